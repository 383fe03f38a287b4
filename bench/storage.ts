// bench/storage: creates per second and p50/p99 latency, sequential and at 64 concurrent
// writers, for each backend, beside raw etcd3 puts and raw better-sqlite3 inserts measured
// in the same run; and how long a watch event takes to reach 1,000 cached watchers.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import { openSqliteBackend } from '../server/storage/sqlite/index.ts';
import { openEtcdBackend } from '../server/storage/etcd/index.ts';
import { startEtcd } from '../testing/etcd.ts';
import { cacherFanout } from './api/reference.ts';
import type { Backend } from '../server/storage/types.ts';
import { checkTool } from '../testing/tools.ts';
import { fmt, percentile, printTable, timedRun, type RunFigures } from './stats.ts';

const VALUE = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'bench', namespace: 'default', uid: '8f0c6a8e-6d55-4b1a-9f0e-000000000000', labels: { app: 'bench' } },
  data: { payload: 'x'.repeat(400) },
});
const CONCURRENCIES = [1, 64];

interface Row {
  what: string;
  figures: Map<number, RunFigures>;
  reference?: string;
  ratioTo?: Map<number, RunFigures>;
}

async function backendCreates(backend: Backend, ops: number, tag: string): Promise<Map<number, RunFigures>> {
  const out = new Map<number, RunFigures>();
  for (const c of CONCURRENCIES) out.set(c, await timedRun(ops, c, (i) => backend.create(`/registry/configmaps/${tag}-${c}/cm-${i}`, VALUE)));
  return out;
}

function rawSqliteOneRowCommits(dir: string, ops: number): RunFigures {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, value BLOB)');
  const ins = db.prepare('INSERT INTO kv (name, value) VALUES (?, ?)');
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const s = performance.now();
    ins.run(`/raw/${i}`, VALUE);
    lat.push(performance.now() - s);
  }
  const secs = (performance.now() - t0) / 1000;
  db.close();
  lat.sort((a, b) => a - b);
  return { opsPerSec: ops / secs, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99) };
}

function rawSqliteBatched(dir: string, ops: number, batch: number): number {
  const db = new Database(join(dir, 'raw-batch.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, value BLOB)');
  const ins = db.prepare('INSERT INTO kv (name, value) VALUES (?, ?)');
  const many = db.transaction((start: number) => {
    for (let i = start; i < start + batch; i++) ins.run(`/raw/${i}`, VALUE);
  });
  const t0 = performance.now();
  for (let i = 0; i < ops; i += batch) many(i);
  const rate = ops / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

export async function benchStorage(opts: { ops?: number } = {}): Promise<void> {
  const ops = opts.ops ?? 3000;
  const dir = mkdtempSync(join(tmpdir(), 'kubets-bench-'));
  const rows: Row[] = [];
  try {
    const rawSqlite = rawSqliteOneRowCommits(dir, Math.min(ops, 2000));
    const rawBatched = rawSqliteBatched(dir, ops * 4, 64);
    const sqlite = openSqliteBackend({ path: join(dir, 'kubets.db') });
    const sq = await backendCreates(sqlite, ops, 'sq');
    await sqlite.close();

    const etcdTool = checkTool('etcd');
    let rawEtcd: Map<number, RunFigures> | undefined;
    if (etcdTool.path) {
      const etcd = await startEtcd();
      try {
        const raw = new Etcd3({ hosts: [etcd.endpoint] });
        rawEtcd = new Map();
        for (const c of CONCURRENCIES) rawEtcd.set(c, await timedRun(ops, c, (i) => raw.put(`/raw/${c}/${i}`).value(VALUE).exec()));
        raw.close();
        const be = openEtcdBackend({ endpoints: [etcd.endpoint] });
        rows.push({ what: 'etcd backend creates', figures: await backendCreates(be, ops, 'et'), reference: 'raw etcd3 put', ratioTo: rawEtcd });
        await be.close();
      } finally {
        await etcd.stop();
      }
      rows.unshift({ what: 'raw etcd3 put (reference)', figures: rawEtcd });
    } else {
      console.log(`(etcd rows skipped: ${etcdTool.skipReason})`);
    }
    rows.push({ what: 'sqlite backend creates', figures: sq, reference: rawEtcd ? 'raw etcd3 put' : undefined, ratioTo: rawEtcd });
    const one = new Map([[1, rawSqlite]]);
    rows.push({ what: 'raw better-sqlite3, 1 row/commit (reference)', figures: one });

    const header = ['what', 'writers', 'ops/s', 'p50 ms', 'p99 ms', 'ratio'];
    const table: string[][] = [];
    for (const r of rows) {
      for (const [c, f] of r.figures) {
        const ref = r.ratioTo?.get(c);
        table.push([r.what, String(c), fmt(f.opsPerSec), fmt(f.p50Ms, 2), fmt(f.p99Ms, 2), ref ? `${fmt(f.opsPerSec / ref.opsPerSec, 2)}x ${r.reference}` : '']);
      }
    }
    table.push(['raw better-sqlite3, 64 rows/commit (reference)', '1', fmt(rawBatched), '', '', 'rows/s']);
    printTable(`bench/storage: ${ops} creates per run, ~${VALUE.length}-byte values, durable (WAL, synchronous=FULL; etcd fsyncs)`, header, table);

    const lat = (await cacherFanout(':memory:', 1000, 50)).sort((a, b) => a - b);
    const fan = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
    printTable('bench/storage: one write reaching 1,000 cached watchers (sqlite in memory, 50 events)', ['watchers', 'p50 ms', 'p99 ms', 'aim'], [
      ['1000', fmt(fan.p50, 2), fmt(fan.p99, 2), 'p99 < 50 ms'],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
