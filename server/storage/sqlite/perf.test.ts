// How the backend performs: group commit against raw SQLite measured in the same run, and
// query plans that keep reads on the indexes.

import test from 'ava';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteBackend } from './index.ts';
import { COUNT_AFTER, COUNT_RANGE, LIST_RANGE } from './read.ts';
import { openDb } from './schema.ts';
import { SELECT_HISTORY } from './watch.ts';
import { SELECT_LATEST } from './write.ts';

test('reads are index searches, never full table scans', (t) => {
  const db = openDb(':memory:');
  const queries: Array<[string, string, unknown[]]> = [
    ['SELECT_LATEST', SELECT_LATEST, ['/a']],
    ['LIST_RANGE', LIST_RANGE, ['/a/', '/a0', 5, 10]],
    ['COUNT_RANGE', COUNT_RANGE, ['/a/', '/a0', 5]],
    ['COUNT_AFTER', COUNT_AFTER, ['/a/x', '/a0', 5]],
    ['SELECT_HISTORY', SELECT_HISTORY, [1, 5, '/a/', '/a0', 10]],
  ];
  for (const [name, sql, args] of queries) {
    const plan = db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...args)
      .map((r) => r.detail);
    t.false(plan.some((d) => /^SCAN /.test(d)), `${name}: ${plan.join(' | ')}`);
    t.false(plan.some((d) => d.includes('TEMP B-TREE')), `${name} sorts: ${plan.join(' | ')}`);
  }
  db.close();
});

/** The reference: one row per durable commit on raw better-sqlite3, same pragmas, same disk. */
function rawOneRowCommitsPerSecond(path: string, value: string, commits: number): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, value TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (name, value) VALUES (?, ?)');
  const start = performance.now();
  for (let i = 0; i < commits; i++) insert.run(`/registry/configmaps/default/cm-${i}`, value);
  const perSecond = commits / ((performance.now() - start) / 1000);
  db.close();
  return perSecond;
}

test.serial('group commit: 64 concurrent durable creates beat one-row commits on raw sqlite', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-sqlite-perf-'));
  try {
    const value = JSON.stringify({ kind: 'ConfigMap', data: { payload: 'x'.repeat(300) } });
    const reference = rawOneRowCommitsPerSecond(join(dir, 'raw.db'), value, 1000);
    const b = openSqliteBackend({ path: join(dir, 'state.db') });
    const total = 20_000;
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < total) await b.create(`/registry/configmaps/default/cm-${next++}`, value);
      }),
    );
    const perSecond = total / ((performance.now() - start) / 1000);
    const stats = b.batchStats();
    t.log(
      `backend: ${Math.round(perSecond)} creates/s with 64 writers (${stats.batches} batches); ` +
        `raw sqlite one-row commits: ${Math.round(reference)}/s`,
    );
    t.is(await b.count('/registry/configmaps/'), total);
    t.true(stats.batches <= total / 32, `${stats.batches} batches: group commit is not grouping`);
    t.true(perSecond > 1.5 * reference, 'group commit should beat one fsync per write');
    await b.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
