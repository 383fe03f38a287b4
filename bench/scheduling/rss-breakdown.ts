// Where a process's resident memory is, from /proc/self/smaps: what V8 says its heap takes
// (heapTotal: the pages of its spaces, used or not), what Node counts outside it (external,
// ArrayBuffers), and the kernel's view by mapping: file-backed (the node binary, shared
// libraries, SQLite's mmap), the main malloc arena ([heap], brk), glibc's thread arenas (64 MB
// reservations, 64 MB-aligned: a read-write part and a PROT_NONE rest), and the other anonymous
// mappings (V8's heap pages and code space, thread stacks, big mallocs mmapped on their own).
// A figure is resident bytes (Rss), so untouched reservations count for nothing.

import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface RssBreakdown {
  rss: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  fileBacked: number;
  mallocMain: number;
  mallocThreadArenas: number;
  /** How many thread arenas glibc made (MALLOC_ARENA_MAX caps them). */
  threadArenas: number;
  otherAnonymous: number;
  /** V8's spaces: committed (size) and used, by space name (old_space, new_space, large_object_space, ...). */
  spaces: Record<string, { size: number; used: number }>;
}

const ARENA = 64 * 1024 * 1024;

interface Mapping {
  start: number;
  end: number;
  perms: string;
  path: string;
  rss: number;
}

export function parseSmaps(text: string): Mapping[] {
  const maps: Mapping[] = [];
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      maps.push({ start: parseInt(head[1], 16), end: parseInt(head[2], 16), perms: head[3], path: head[4], rss: 0 });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && maps.length) maps[maps.length - 1].rss = Number(rss[1]) * 1024;
  }
  return maps;
}

/** Sums mappings by kind; a thread arena is an anonymous read-write mapping at a 64 MB boundary whose PROT_NONE rest ends 64 MB later. */
export function classify(maps: Mapping[]): Pick<RssBreakdown, 'fileBacked' | 'mallocMain' | 'mallocThreadArenas' | 'threadArenas' | 'otherAnonymous'> {
  const out = { fileBacked: 0, mallocMain: 0, mallocThreadArenas: 0, threadArenas: 0, otherAnonymous: 0 };
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i];
    if (m.path === '[heap]') out.mallocMain += m.rss;
    else if (m.path.startsWith('/')) out.fileBacked += m.rss;
    else if (m.path === '' && m.start % ARENA === 0 && m.perms.startsWith('rw')) {
      const rest = maps[i + 1];
      const whole = rest && rest.path === '' && rest.perms.startsWith('---') && rest.start === m.end ? rest.end - m.start : m.end - m.start;
      if (whole === ARENA) {
        out.mallocThreadArenas += m.rss;
        out.threadArenas++;
      } else out.otherAnonymous += m.rss;
    } else out.otherAnonymous += m.rss;
  }
  return out;
}

export function rssBreakdown(): RssBreakdown {
  const m = process.memoryUsage();
  let kinds: ReturnType<typeof classify> = { fileBacked: 0, mallocMain: 0, mallocThreadArenas: 0, threadArenas: 0, otherAnonymous: 0 };
  try {
    kinds = classify(parseSmaps(readFileSync('/proc/self/smaps', 'utf8')));
  } catch {
    // Not Linux: Node's own figures only.
  }
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((sp) => [sp.space_name, { size: sp.space_size, used: sp.space_used_size }]));
  return { rss: m.rss, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, ...kinds, spaces };
}
