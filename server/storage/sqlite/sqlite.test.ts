import test from 'ava';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackendContract } from '../backend.contract.ts';
import { isStorageError, type StorageErrorCode } from '../types.ts';
import { openSqliteBackend, type SqliteBackendOptions } from './index.ts';
import { prefixEnd, translateError } from './schema.ts';

async function tempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-sqlite-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

runBackendContract('sqlite :memory:', async () => {
  const backend = openSqliteBackend({ path: ':memory:' });
  return { backend, cleanup: () => backend.close() };
});

runBackendContract('sqlite file', async () => {
  const { dir, cleanup } = await tempDir();
  const backend = openSqliteBackend({ path: join(dir, 'state.db') });
  return {
    backend,
    async cleanup() {
      await backend.close();
      await cleanup();
    },
  };
});

async function codeOf(p: Promise<unknown>): Promise<StorageErrorCode | 'ok' | 'other'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isStorageError(e) ? e.code : 'other';
  }
}

test('prefixEnd bounds exactly the keys that start with the prefix', (t) => {
  const cases: Array<[string, string[], string[]]> = [
    ['/registry/pods/', ['/registry/pods/a', '/registry/pods/', '/registry/pods/~'], ['/registry/pods', '/registry/pods0', '/registry/podsx/a']],
    ['/a', ['/a', '/a/b', '/ab'], ['/b', '/', '/A']],
  ];
  for (const [prefix, inside, outside] of cases) {
    const end = prefixEnd(prefix);
    for (const k of inside) t.true(k >= prefix && k < end, `${k} should be under ${prefix}`);
    for (const k of outside) t.false(k >= prefix && k < end, `${k} should not be under ${prefix}`);
  }
});

test('driver errors become StorageErrors with the code a caller can act on', (t) => {
  const driverError = (code: string) => Object.assign(new Error(`sqlite says ${code}`), { code });
  const cases: Array<[unknown, StorageErrorCode]> = [
    [driverError('SQLITE_BUSY'), 'Timeout'],
    [driverError('SQLITE_BUSY_SNAPSHOT'), 'Timeout'],
    [driverError('SQLITE_IOERR_FSYNC'), 'Unavailable'],
    [driverError('SQLITE_FULL'), 'Unavailable'],
    [driverError('SQLITE_READONLY'), 'Unavailable'],
    [driverError('SQLITE_MISMATCH'), 'Internal'],
    ['not even an Error', 'Internal'],
  ];
  for (const [input, code] of cases) {
    const e = translateError(input, 'reading');
    t.is(e.code, code, String(input));
    t.true(e.message.startsWith('reading: '));
  }
});

test('every call after close fails with Unavailable', async (t) => {
  const b = openSqliteBackend({ path: ':memory:' });
  const rev = await b.create('/registry/x/a', '{}');
  await b.close();
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['create', () => b.create('/registry/x/b', '{}')],
    ['get', () => b.get('/registry/x/a')],
    ['update', () => b.update('/registry/x/a', '{}', rev)],
    ['delete', () => b.delete('/registry/x/a')],
    ['list', () => b.list('/registry/x/')],
    ['count', () => b.count('/registry/x/')],
    ['currentRevision', () => b.currentRevision()],
    ['compactedRevision', () => b.compactedRevision()],
    ['compact', () => b.compact(rev)],
  ];
  for (const [name, call] of calls) t.is(await codeOf(call()), 'Unavailable', name);
  const err = await new Promise<string>((resolve) =>
    b.watch({ prefix: '/registry/', afterRevision: 0 }, { onEvents: () => resolve('events'), onError: (e) => resolve(e.code) }),
  );
  t.is(err, 'Unavailable');
  await t.notThrowsAsync(b.close());
});

test('writes accepted before close are committed, and open watches end with Unavailable', async (t) => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'state.db');
    const b = openSqliteBackend({ path });
    let ended: string | undefined;
    b.watch({ prefix: '/', afterRevision: 0 }, { onEvents() {}, onError: (e) => (ended = e.code) });
    const pending = Array.from({ length: 20 }, (_, i) => b.create(`/registry/x/k${i}`, '{}'));
    await b.close();
    const revs = await Promise.all(pending);
    t.is(ended, 'Unavailable');
    const again = openSqliteBackend({ path });
    t.is(await again.count('/registry/x/'), 20);
    t.is(await again.currentRevision(), Math.max(...revs));
    await again.close();
  } finally {
    await cleanup();
  }
});

test('the revision never goes back after reopening, even when compaction removed the newest rows', async (t) => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'state.db');
    const b = openSqliteBackend({ path });
    await b.create('/registry/x/a', '{}');
    const last = (await b.delete('/registry/x/a')).revision;
    await b.compact(last);
    await b.close();
    const again = openSqliteBackend({ path });
    t.is(await again.currentRevision(), last);
    t.is(await again.compactedRevision(), last);
    t.true((await again.create('/registry/x/a', '{}')) > last);
    await again.close();
  } finally {
    await cleanup();
  }
});

test('list and compact refuse a revision in the future', async (t) => {
  const b = openSqliteBackend({ path: ':memory:' });
  const rev = await b.create('/registry/x/a', '{}');
  t.is(await codeOf(b.list('/registry/x/', { revision: rev + 1 })), 'InvalidValue');
  t.is(await codeOf(b.compact(rev + 1)), 'InvalidValue');
  await b.close();
});

test('an idle watcher gets progress notifications at the current revision', async (t) => {
  const opts: SqliteBackendOptions = { path: ':memory:', progressIntervalMs: 50 };
  const b = openSqliteBackend(opts);
  await b.create('/registry/busy/a', '{}');
  const rev = await b.create('/registry/other/a', '{}');
  const progress = await new Promise<number>((resolve, reject) => {
    b.watch({ prefix: '/registry/busy/', afterRevision: 0 }, { onEvents() {}, onProgress: resolve, onError: reject });
  });
  t.is(progress, rev);
  await b.close();
});

test('concurrent writes are committed in batches', async (t) => {
  const b = openSqliteBackend({ path: ':memory:' });
  await Promise.all(Array.from({ length: 200 }, (_, i) => b.create(`/registry/x/k${i}`, '{}')));
  const s = b.batchStats();
  t.is(s.writes, 200);
  t.true(s.batches < 20, `${s.batches} batches for 200 concurrent writes`);
  await b.close();
});

test('one failing op in a batch does not fail the others', async (t) => {
  const b = openSqliteBackend({ path: ':memory:' });
  await b.create('/registry/x/taken', '{}');
  const outcomes = await Promise.all([
    codeOf(b.create('/registry/x/a', '{}')),
    codeOf(b.create('/registry/x/taken', '{}')),
    codeOf(b.update('/registry/x/missing', '{}', 1)),
    codeOf(b.create('/registry/x/b', '{}')),
  ]);
  t.deepEqual(outcomes, ['ok', 'KeyExists', 'KeyNotFound', 'ok']);
  t.is(b.batchStats().largestBatch, 4);
  await b.close();
});

test('a watch catching up through several chunks of history joins live events without gap or duplicate', async (t) => {
  const b = openSqliteBackend({ path: ':memory:' });
  const first = await Promise.all(Array.from({ length: 2500 }, (_, i) => b.create(`/registry/x/k${i}`, '{}')));
  const events: number[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const w = b.watch(
    { prefix: '/registry/x/', afterRevision: 0 },
    {
      onEvents(evs) {
        events.push(...evs.map((e) => e.revision));
        if (events.length >= 2700) done();
      },
      onError: (e) => t.fail(e.message),
    },
  );
  // Written while the watch is still reading history.
  const later = await Promise.all(Array.from({ length: 200 }, (_, i) => b.create(`/registry/x/late${i}`, '{}')));
  await all;
  w.close();
  t.deepEqual(events, [...first, ...later].sort((x, y) => x - y));
  await b.close();
});

test('compaction over several chunks keeps the state at the compacted revision and drops the rest', async (t) => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'state.db');
    const b = openSqliteBackend({ path });
    const revs = new Map<string, number>();
    for (let i = 0; i < 100; i++) revs.set(`/registry/x/k${i}`, await b.create(`/registry/x/k${i}`, JSON.stringify({ round: 0 })));
    for (let round = 1; round <= 120; round++) {
      await Promise.all(
        [...revs].map(async ([key, rev]) => {
          if (round === 60 && key.endsWith('7')) revs.set(key, (await b.delete(key)).revision * -1);
          else if (rev > 0) revs.set(key, await b.update(key, JSON.stringify({ round }), rev));
        }),
      );
      if (round === 80) {
        const at = await b.currentRevision();
        const before = await b.list('/registry/x/', { revision: at });
        const watch = new Promise<string>((resolve) =>
          b.watch({ prefix: '/registry/x/', afterRevision: 1 }, { onEvents() {}, onError: (e) => resolve(e.code) }),
        );
        await b.compact(at);
        t.is(await watch, 'Compacted');
        t.deepEqual(await b.list('/registry/x/', { revision: at }), before);
      }
    }
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM kv').get()!.n;
    raw.close();
    // 90 live keys; history after round 80 (40 rounds of 90 updates) plus one row per key.
    t.is(rows, 90 + 40 * 90);
    t.is(await b.count('/registry/x/'), 90);
    t.deepEqual(JSON.parse((await b.get('/registry/x/k0'))!.value), { round: 120 });
    await b.close();
  } finally {
    await cleanup();
  }
});

test('a batch is cut by count and by size, and every write still lands', async (t) => {
  const b = openSqliteBackend({ path: ':memory:', maxBatch: 10 });
  await Promise.all(Array.from({ length: 35 }, (_, i) => b.create(`/registry/x/k${i}`, '{}')));
  t.is(b.batchStats().largestBatch, 10);
  t.is(b.batchStats().batches, 4);
  await b.close();
  const sized = openSqliteBackend({ path: ':memory:' });
  const big = JSON.stringify({ data: 'x'.repeat(1024 * 1024) });
  // 40 values of 1 MiB: the first batch stops once it holds 32 MiB.
  await Promise.all(Array.from({ length: 40 }, (_, i) => sized.create(`/registry/big/k${i}`, big)));
  t.deepEqual(sized.batchStats(), { batches: 2, writes: 40, largestBatch: 32 });
  t.is(await sized.count('/registry/big/'), 40);
  await sized.close();
});

test('requestProgress tells every live watch the current revision at once', async (t) => {
  const b = openSqliteBackend({ path: ':memory:', progressIntervalMs: 60_000 });
  await b.create('/registry/other/a', '{}');
  const seen: number[] = [];
  const w = b.watch({ prefix: '/registry/quiet/', afterRevision: await b.currentRevision() }, {
    onEvents: () => t.fail('no events expected under this prefix'),
    onProgress: (rev) => seen.push(rev),
    onError: (e) => t.fail(e.message),
  });
  await new Promise((r) => setImmediate(r)); // the watch catches up and goes live
  const rev = await b.create('/registry/other/b', '{}');
  b.requestProgress();
  t.deepEqual(seen, [rev]);
  w.close();
  await b.close();
});
