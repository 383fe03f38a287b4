// How far V8 lets garbage pile up in a long-running kubets process (apiserver, control plane,
// sim) before its next full GC. After each full GC V8 sets the next one's trigger at the live
// heap times a growing factor, and picks the factor from the heap's limit: with node's default
// limit on a machine of 16 GB or more (~4 GB) that is up to 4x, so an apiserver whose live heap
// is 225 MB peaked at 458 MB of heap, mostly garbage of the request path (bench/scheduling).
// `--heap-growing-percent` fixes the factor instead; V8 reads it at every full GC, so it works
// set from inside the process (v8.setFlagsFromString), unlike --max-old-space-size. The heap's
// limit stays V8's own: a bigger cluster gets more GCs near the limit, never an earlier OOM.
//
// KUBETS_HEAP_GROWING_PERCENT=N sets another factor (1 + N/100); 0 leaves V8's own. A node flag
// the user gave (NODE_OPTIONS or the command line) that sizes the heap
// (--max-old-space-size, --heap-growing-percent) also leaves V8's own choice alone.

import { setFlagsFromString } from 'node:v8';

/** The default: the next full GC when the heap has grown by half its live size. */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

const USER_HEAP_FLAG = /(?:^|\s)--(?:max[-_]old[-_]space[-_]size|heap[-_]growing[-_]percent)(?:[=\s]|$)/;

export type HeapGrowth = { percent: number } | { percent: undefined; why: string } | { error: string };

/** What to set, from the environment and node's own flags (pure: the test's seam). */
export function heapGrowth(env: NodeJS.ProcessEnv, execArgv: readonly string[]): HeapGrowth {
  const raw = env.KUBETS_HEAP_GROWING_PERCENT;
  if (raw !== undefined && raw !== '') {
    if (!/^\d+$/.test(raw) || Number(raw) > 1000) return { error: `KUBETS_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, not ${JSON.stringify(raw)}` };
    const n = Number(raw);
    return n === 0 ? { percent: undefined, why: 'KUBETS_HEAP_GROWING_PERCENT=0' } : { percent: n };
  }
  if (USER_HEAP_FLAG.test(env.NODE_OPTIONS ?? '') || execArgv.some((a) => USER_HEAP_FLAG.test(a))) {
    return { percent: undefined, why: 'the heap is sized by a node flag given at start' };
  }
  return { percent: DEFAULT_HEAP_GROWING_PERCENT };
}

/** Applies heapGrowth to this process; a bad KUBETS_HEAP_GROWING_PERCENT is reported and V8's own kept. */
export function tuneHeapGrowth(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): HeapGrowth {
  const g = heapGrowth(env, execArgv);
  if ('error' in g) process.stderr.write(`kubets: ${g.error}; keeping V8's own heap growth\n`);
  else if (g.percent !== undefined) setFlagsFromString(`--heap-growing-percent=${g.percent}`);
  return g;
}
