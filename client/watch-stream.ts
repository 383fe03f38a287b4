// Incremental parsing of a watch stream: newline-delimited JSON watch events arriving in
// arbitrary chunks (an event may span chunks, a chunk may hold many events).

import type { KubeObject } from '../api/types.ts';
import type { WatchEvent, WatchEventType } from './types.ts';

const TYPES = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class WatchDecoder {
  private buf = '';

  /** Feeds a chunk (already decoded text); returns the complete events it finished. */
  push(chunk: string): WatchEvent[] {
    this.buf += chunk;
    const out: WatchEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buf.indexOf('\n', start);
      if (nl < 0) break;
      const line = this.buf.slice(start, nl);
      start = nl + 1;
      const e = parseLine(line);
      if (e) out.push(e);
    }
    this.buf = start === 0 ? this.buf : this.buf.slice(start);
    return out;
  }

  /** At end of stream: a last event without a trailing newline, if any. */
  end(): WatchEvent[] {
    const rest = this.buf;
    this.buf = '';
    const e = parseLine(rest);
    return e ? [e] : [];
  }
}

function parseLine(line: string): WatchEvent | undefined {
  const text = line.trim();
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new SyntaxError(`watch stream: not a JSON event: ${text.slice(0, 200)}`);
  }
  const e = v as { type?: unknown; object?: unknown };
  if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || !TYPES.has(e.type as WatchEventType) || typeof e.object !== 'object' || e.object === null) {
    throw new SyntaxError(`watch stream: not a watch event: ${text.slice(0, 200)}`);
  }
  return { type: e.type as WatchEventType, object: e.object as KubeObject };
}
