// Container logs as the kubelet serves them: the CRI log file (`<RFC3339Nano> <stream> <P|F>
// <text>`, P marking a partial line continued by the next entry) read with PodLogOptions
// applied: sinceTime/sinceSeconds, tailLines, timestamps, limitBytes, and follow (new lines as
// they are written, until the container stops).

import { open, stat } from 'node:fs/promises';

export interface LogOptions {
  follow?: boolean;
  timestamps?: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** Lines before this instant are skipped. */
  since?: Date;
}

export interface LogLine {
  /** As written: RFC3339 with nanoseconds. */
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Parses CRI log text into whole lines (partials joined); the unfinished tail is returned apart. */
export function parseCriLog(text: string): { lines: LogLine[]; rest: string } {
  const lines: LogLine[] = [];
  let partial: LogLine | undefined;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    const entry = text.slice(start, nl);
    start = nl + 1;
    const m = /^(\S+) (stdout|stderr) ([PF]) ?(.*)$/s.exec(entry);
    if (!m) continue;
    const [, time, stream, tag, body] = m;
    if (partial) partial.text += body;
    else partial = { time, stream: stream as LogLine['stream'], text: body };
    if (tag === 'F') {
      lines.push(partial);
      partial = undefined;
    }
  }
  // A partial line waits for its end: hand back everything from its first entry.
  let rest = text.slice(start);
  if (partial) {
    const from = text.lastIndexOf(`${partial.time} `, start);
    rest = text.slice(from >= 0 ? from : start);
  }
  return { lines, rest };
}

function timeOf(line: LogLine): number {
  // Nanoseconds do not fit a Date; milliseconds are enough to compare with sinceTime.
  return Date.parse(line.time.replace(/(\.\d{3})\d*/, '$1'));
}

/** What to send for lines, given the options (tailLines applies once, to what is there at first). */
export function render(lines: LogLine[], o: LogOptions, first: boolean): string {
  let sel = o.since ? lines.filter((l) => timeOf(l) >= o.since!.getTime()) : lines;
  if (first && o.tailLines !== undefined) sel = o.tailLines === 0 ? [] : sel.slice(-o.tailLines);
  return sel.map((l) => `${o.timestamps ? `${l.time} ` : ''}${l.text}\n`).join('');
}

export interface LogSink {
  write(chunk: string): void;
  /** True once the reader went away. */
  closed(): boolean;
}

/**
 * Streams the log at path to sink. With follow, keeps reading what is appended until
 * running() says the container stopped (then drains what is left) or the sink closes.
 */
export async function streamLog(path: string, o: LogOptions, sink: LogSink, running: () => Promise<boolean>, pollMs = 200): Promise<void> {
  let offset = 0;
  let carry = '';
  let budget = o.limitBytes ?? Infinity;
  let first = true;
  const pump = async (): Promise<boolean> => {
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (size < offset) offset = 0; // rotated or truncated
    if (size > offset) {
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        await fh.read(buf, 0, buf.length, offset);
        offset = size;
        carry += buf.toString('utf8');
      } finally {
        await fh.close();
      }
    }
    const { lines, rest } = parseCriLog(carry);
    carry = rest;
    let out = render(lines, o, first);
    first = false;
    if (out.length > budget) out = Buffer.from(out).subarray(0, budget).toString('utf8');
    if (out) {
      sink.write(out);
      budget -= Buffer.byteLength(out);
    }
    return budget > 0;
  };
  if (!(await pump()) || !o.follow) return;
  while (!sink.closed()) {
    await new Promise((r) => setTimeout(r, pollMs));
    const alive = await running();
    if (!(await pump()) || !alive) return;
  }
}
