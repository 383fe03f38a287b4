// Sums a V8 .cpuprofile (BENCH_CP_CPU_PROF / KUBETS_SIM_CPU_PROF) by function and by file: self
// time (the innermost frame) and total time (every frame on the stack, counted once per sample).
//   node --import=tsx bench/scheduling/cpu-summary.ts FILE [--top N] [--pods N] [--grep TEXT] [--dist DIR]
// --pods N also prints CPU-ms per pod; --samples counts samples (1 ms each) instead of their time; --grep keeps only the functions whose name or file
// contains TEXT (for the total-time table); --dist DIR reads the bundles' source maps from a
// copy of dist/ taken after the run (the next run rebuilds dist/ under other names).

import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: cpu-summary.ts FILE [--top N] [--pods N] [--grep TEXT]');
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const top = Number(option('--top') ?? 40);
const pods = Number(option('--pods') ?? 0);
const grep = option('--grep');
const dist = option('--dist');
// --samples: count samples instead of summing their time deltas. On a loaded host a sample taken
// after the process was descheduled carries the whole wait; counts weigh every sample alike.
const bySamples = args.includes('--samples');

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const n of profile.nodes) byId.set(n.id, n);
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const shortUrl = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*\/(wt-[^/]+|main)\//, '').replace(/^.*node_modules\//, 'nm/');
// A bundle's frames (dist/*.mjs, as the bench runs) are mapped back to their source through the
// bundle's .map when it is still there (the next bench run rebuilds dist/).
const maps = new Map<string, SourceMap | undefined>();
function sourceMap(url: string): SourceMap | undefined {
  if (!url.startsWith('file://') || !url.endsWith('.mjs')) return undefined;
  if (!maps.has(url)) {
    const file = fileURLToPath(url);
    const path = `${dist ? join(dist, basename(file)) : file}.map`;
    maps.set(url, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined);
  }
  return maps.get(url);
}
const location = (f: CallFrame): { url: string; line: number } => {
  const e = sourceMap(f.url)?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  return e?.originalSource ? { url: e.originalSource, line: e.originalLine ?? 0 } : { url: f.url, line: f.lineNumber };
};
const fnKey = (f: CallFrame): string => {
  const l = location(f);
  return `${f.functionName || '(anonymous)'} ${shortUrl(l.url)}:${l.line + 1}`;
};

const selfFn = new Map<string, number>();
const selfFile = new Map<string, number>();
const totalFn = new Map<string, number>();
let busy = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const us = bySamples ? 1000 : (profile.timeDeltas[i + 1] ?? 0);
  const node = byId.get(profile.samples[i]!)!;
  const name = node.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') {
    idle += us;
    continue;
  }
  busy += us;
  const key = fnKey(node.callFrame);
  selfFn.set(key, (selfFn.get(key) ?? 0) + us);
  const f = shortUrl(location(node.callFrame).url) || name;
  selfFile.set(f, (selfFile.get(f) ?? 0) + us);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const k = fnKey(byId.get(id)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    totalFn.set(k, (totalFn.get(k) ?? 0) + us);
  }
}

const row = (us: number): string => `${(us / 1e6).toFixed(2).padStart(7)} s ${((100 * us) / busy).toFixed(1).padStart(5)}%${pods ? ` ${((us / 1e3) / pods).toFixed(3).padStart(7)} ms/pod` : ''}`;
const print = (title: string, m: Map<string, number>, filter?: (k: string) => boolean): void => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].filter(([k]) => !filter || filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${row(us)}  ${k}`);
};
console.log(`${file}: busy ${row(busy)}, idle/program ${(idle / 1e6).toFixed(2)} s`);
print('self time by file', selfFile);
print('self time by function', selfFn);
print('total time by function', totalFn, grep ? (k) => k.includes(grep) : undefined);
