// The etcd backend against one real etcd for the whole file: the shared backend contract,
// then what is particular to etcd (key prefix, progress notifications, compaction learnt
// from etcd rather than remembered).

import test from 'ava';
import { Etcd3 } from 'etcd3';
import { checkTool, freePort } from '../../../testing/tools.ts';
import { runBackendContract } from '../backend.contract.ts';
import { collect, json, uniquePrefix } from '../contract/helpers.ts';
import { isStorageError } from '../types.ts';
import { openEtcdBackend, type EtcdBackend } from './backend.ts';
import { startEtcd, type EtcdHarness } from '../../../testing/etcd.ts';

const tool = checkTool('etcd');
let etcd: EtcdHarness | undefined;

test.before(async () => {
  if (tool.path) etcd = await startEtcd({ bin: tool.path, progressNotifyIntervalMs: 200 });
});
test.after.always(async () => {
  await etcd?.stop();
});

const PREFIX = '/kubets-test-prefix';

/** A backend on the file's etcd; closes it after the test. */
async function fresh(prefix = PREFIX): Promise<{ backend: EtcdBackend; cleanup(): Promise<void> }> {
  if (!etcd) throw new Error('etcd is not running');
  const backend = openEtcdBackend({ endpoints: [etcd.endpoint], prefix });
  return { backend, cleanup: () => backend.close() };
}

if (tool.skipReason) {
  test('etcd backend', (t) => {
    t.log(tool.skipReason);
    t.pass();
  });
} else {
  runBackendContract('etcd', () => fresh());

  test('keys are stored under the prefix and come back without it', async (t) => {
    const { backend, cleanup } = await fresh('/tenant-a');
    const raw = new Etcd3({ hosts: [etcd!.endpoint] });
    try {
      const key = `${uniquePrefix('prefix')}/a`;
      const rev = await backend.create(key, json({ v: 1 }));
      t.is(await raw.get(`/tenant-a${key}`).string(), json({ v: 1 }));
      t.is(await raw.get(key).string(), null);
      t.deepEqual((await backend.get(key))?.key, key);
      const other = openEtcdBackend({ endpoints: [etcd!.endpoint], prefix: '/tenant-b' });
      t.is(await other.get(key), undefined);
      t.is(await other.count(key.slice(0, key.lastIndexOf('/') + 1)), 0);
      await other.close();
      const listed = await backend.list(key.slice(0, key.lastIndexOf('/') + 1));
      t.deepEqual(listed.items, [{ key, value: json({ v: 1 }), createRevision: rev, modRevision: rev }]);
    } finally {
      raw.close();
      await cleanup();
    }
  });

  test('an idle watch gets progress notifications, never ahead of its events', async (t) => {
    const { backend, cleanup } = await fresh();
    const p = uniquePrefix('progress');
    const w = collect(backend, { prefix: `${p}/`, afterRevision: await backend.currentRevision() });
    try {
      const revs: number[] = [];
      for (let i = 0; i < 5; i++) revs.push(await backend.create(`${p}/k${i}`, json({ i })));
      const last = revs[revs.length - 1]!;
      // Progress at or past the last write can only come after its event was delivered.
      await w.until(() => w.progress.some((r) => r >= last), 5_000);
      const at = w.progress.find((r) => r >= last)!;
      t.deepEqual(w.events.map((e) => e.revision), revs);
      t.true(at <= (await backend.currentRevision()));
      for (let i = 1; i < w.progress.length; i++) t.true(w.progress[i]! >= w.progress[i - 1]!);
    } finally {
      w.close();
      await cleanup();
    }
  });

  test('a watch starting after the current revision waits for it, without progress going back', async (t) => {
    const { backend, cleanup } = await fresh();
    const p = uniquePrefix('future');
    const now = await backend.currentRevision();
    const w = collect(backend, { prefix: `${p}/`, afterRevision: now + 2 });
    try {
      const r1 = await backend.create(`${p}/a`, json({}));
      const r2 = await backend.create(`${p}/b`, json({}));
      const r3 = await backend.create(`${p}/c`, json({}));
      await w.until((evs) => evs.some((e) => e.revision === r3));
      t.deepEqual(
        w.events.map((e) => e.revision),
        [r1, r2, r3].filter((r) => r > now + 2),
      );
      t.true(w.progress.every((r) => r >= now + 2));
    } finally {
      w.close();
      await cleanup();
    }
  });

  test.serial('compactedRevision is read from etcd: a new backend learns a compaction done by another client', async (t) => {
    const { backend, cleanup } = await fresh();
    const raw = new Etcd3({ hosts: [etcd!.endpoint] });
    try {
      const p = uniquePrefix('learn');
      await backend.create(`${p}/a`, json({}));
      const target = await backend.currentRevision();
      const before = await backend.compactedRevision();
      t.true(before <= target);
      await raw.kv.compact({ revision: target, physical: true });
      const other = openEtcdBackend({ endpoints: [etcd!.endpoint], prefix: PREFIX });
      t.true((await other.compactedRevision()) >= target);
      // The first backend remembered `before`; it must notice it is stale.
      t.true((await backend.compactedRevision()) >= target);
      await other.close();
      // Compacting to a revision already compacted is a no-op; to the future is refused.
      await backend.compact(target - 1 > 0 ? target - 1 : target);
      const future = backend.compact((await backend.currentRevision()) + 1000);
      const err = await future.then(() => undefined, (e: unknown) => e);
      t.true(isStorageError(err, 'InvalidValue'), String(err));
    } finally {
      raw.close();
      await cleanup();
    }
  });

  test('list at a future revision fails rather than waiting', async (t) => {
    const { backend, cleanup } = await fresh();
    try {
      const now = await backend.currentRevision();
      const err = await backend.list('/x/', { revision: now + 1000 }).then(() => undefined, (e: unknown) => e);
      t.true(isStorageError(err, 'InvalidValue'), String(err));
    } finally {
      await cleanup();
    }
  });

  test('with one of two endpoints down, reads and writes go to the other', async (t) => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const backend = openEtcdBackend({ endpoints: [dead, etcd!.endpoint], prefix: PREFIX });
    try {
      const p = uniquePrefix('failover');
      for (let i = 0; i < 10; i++) {
        const rev = await backend.create(`${p}/k${i}`, json({ i }));
        t.is((await backend.get(`${p}/k${i}`))?.modRevision, rev);
      }
      t.is(await backend.count(`${p}/`), 10);
    } finally {
      await backend.close();
    }
  });
}
