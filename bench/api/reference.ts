// The references bench/api prints beside its HTTP figures, measured in the same run: creates
// straight on a sqlite Backend, one write fanned out to Cacher watchers, and serializing a
// list with JSON.stringify or by joining pre-serialized items.

import { join } from 'node:path';
import { openSqliteBackend, type SqliteBackend } from '../../server/storage/sqlite/index.ts';
import type { BatchStats } from '../../server/storage/sqlite/batch.ts';
import type { Backend } from '../../server/storage/types.ts';
import { Cacher } from '../../server/storage/cacher.ts';
import type { KubeObject } from '../../api/types.ts';
import { percentile, timedRun, type RunFigures } from '../stats.ts';

/** A ConfigMap as the apiserver stores it (uid, timestamp, resourceVersion aside), ~500 bytes. */
export function configMap(namespace: string, name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { app: 'bench', 'app.kubernetes.io/part-of': 'kubets-bench' } },
    data: { payload: 'x'.repeat(360) },
  };
}

function storedConfigMap(namespace: string, name: string): string {
  const cm = configMap(namespace, name);
  Object.assign(cm.metadata as object, { uid: '8f0c6a8e-6d55-4b1a-9f0e-000000000000', creationTimestamp: '2024-05-01T10:00:00Z' });
  return JSON.stringify(cm);
}

/** Writes per commit (group commit) since `before`, if the backend is sqlite. */
export function writesPerCommit(backend: Backend, before?: BatchStats): { stats?: BatchStats; perCommit?: number } {
  if (!('batchStats' in backend)) return {};
  const stats = { ...(backend as SqliteBackend).batchStats() };
  if (!before) return { stats };
  const batches = stats.batches - before.batches;
  return { stats, perCommit: batches > 0 ? (stats.writes - before.writes) / batches : undefined };
}

/** Creates straight on a file-backed sqlite Backend (what the apiserver writes through), at one concurrency. */
export async function storeCreates(dir: string, ops: number, concurrency: number): Promise<{ figures: RunFigures; perCommit?: number }> {
  const backend = openSqliteBackend({ path: join(dir, `store-ref-${concurrency}.db`) });
  try {
    const before = writesPerCommit(backend).stats;
    const ns = `ref-${concurrency}`;
    const figures = await timedRun(ops, concurrency, (i) => backend.create(`/registry/configmaps/${ns}/cm-${i}`, storedConfigMap(ns, `cm-${i}`)));
    return { figures, perCommit: writesPerCommit(backend, before).perCommit };
  } finally {
    await backend.close();
  }
}

/** One create on a sqlite Backend at `path` (a file, or ':memory:') -> every one of `watchers` Cacher watchers has it; ms per event. */
export async function cacherFanout(path: string, watchers: number, events: number): Promise<number[]> {
  const backend = openSqliteBackend({ path });
  const cacher = new Cacher({ resource: { group: '', resource: 'configmaps' }, backend, kind: 'ConfigMap', apiVersion: 'v1', prefix: '/registry/configmaps/' });
  await cacher.start();
  let pending = 0;
  let done: (() => void) | undefined;
  const ws = [];
  for (let i = 0; i < watchers; i++) {
    const w = await cacher.watch({ resourceVersion: String(cacher.revision), prefix: '/registry/configmaps/fan/' });
    ws.push(w);
    void (async () => {
      for await (const _e of w) if (--pending === 0) done?.();
    })();
  }
  const lat: number[] = [];
  try {
    for (let i = 0; i < events; i++) {
      pending = watchers;
      const got = new Promise<void>((r) => (done = r));
      const s = performance.now();
      await backend.create(`/registry/configmaps/fan/fan-${i}`, storedConfigMap('fan', `fan-${i}`));
      await got;
      lat.push(performance.now() - s);
    }
  } finally {
    for (const w of ws) w.close();
    cacher.close();
    await backend.close();
  }
  return lat;
}

export interface SerializeFigures {
  stringify: { p50Ms: number; p99Ms: number };
  join: { p50Ms: number; p99Ms: number };
  bytes: number;
}

/** A PodList of `items` serialized `reps` times: JSON.stringify of the whole, and joining items serialized beforehand. */
export function serializeList(items: KubeObject[], reps: number): SerializeFigures {
  const head = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' } };
  const pre = items.map((i) => JSON.stringify(i));
  const time = (f: () => string) => {
    const lat: number[] = [];
    let bytes = 0;
    for (let r = 0; r < reps; r++) {
      const s = performance.now();
      bytes = f().length;
      lat.push(performance.now() - s);
    }
    lat.sort((a, b) => a - b);
    return { p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), bytes };
  };
  const stringify = time(() => JSON.stringify({ ...head, items }));
  const joined = time(() => `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[${pre.join(',')}]}`);
  return { stringify, join: joined, bytes: stringify.bytes };
}
