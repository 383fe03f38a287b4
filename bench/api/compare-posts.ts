// ConfigMap POSTs into two namespaces, interleaved over rounds (the first a warm-up, then the
// best of the rest), printed as a table with the second beside the first: what an admission
// step (a webhook, a policy) costs over the same POSTs without it, in the same run.

import { fmt, printTable, type RunFigures } from '../stats.ts';
import type { Load } from './load.ts';
import { configMap } from './reference.ts';

const ROUNDS = 3;

export interface Subject {
  what: string;
  ns: string;
}

export async function comparePosts(env: { url: string; load: Load }, ops: number, subjects: [Subject, Subject], title: (rounds: number) => string): Promise<void> {
  const best = new Map<string, RunFigures>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of subjects) {
      const path = `/api/v1/namespaces/${s.ns}/configmaps`;
      const body = JSON.stringify(configMap(s.ns, `cm-${round}-{i}`));
      const r = await env.load.run({ kind: 'requests', url: env.url, method: 'POST', path, body, want: 201, ops, concurrency: 64 });
      if (round === 0) continue; // warm-up
      const prev = best.get(s.what);
      if (!prev || r.figures.opsPerSec > prev.opsPerSec) best.set(s.what, r.figures);
    }
  }
  const [without, withIt] = subjects.map((s) => best.get(s.what)!) as [RunFigures, RunFigures];
  printTable(title(ROUNDS - 1), ['what', 'req/s', 'p50 ms', 'p99 ms', 'ratio'], [
    [subjects[0].what, fmt(without.opsPerSec), fmt(without.p50Ms, 2), fmt(without.p99Ms, 2), ''],
    [subjects[1].what, fmt(withIt.opsPerSec), fmt(withIt.p50Ms, 2), fmt(withIt.p99Ms, 2), `${fmt(withIt.opsPerSec / without.opsPerSec, 2)}x without`],
  ]);
}
