// Small helpers every benchmark shares: timed runs at a concurrency, percentiles, tables, the
// main thread's CPU time.

import { readFileSync } from 'node:fs';

export interface RunFigures {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Runs op(i) for i in [0, ops) with `concurrency` workers; per-op latency and throughput. */
export async function timedRun(ops: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<RunFigures> {
  const lat = new Float64Array(ops);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < ops; i = next++) {
        const s = performance.now();
        await op(i);
        lat[i] = performance.now() - s;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const sorted = Array.from(lat).sort((a, b) => a - b);
  return { opsPerSec: ops / secs, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Prints rows as an aligned plain-text table (also valid Markdown). */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
}

const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds of this process's main thread (user + system), from /proc: where a bench
 * runs the apiserver on the main thread and its load in a worker, the server's CPU alone,
 * which the load on a shared host disturbs far less than a rate.
 */
export function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
