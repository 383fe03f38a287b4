// Contract: compaction. Serial, because it makes old revisions unreadable for every test
// sharing the store (ava runs serial tests before the concurrent ones).

import test from 'ava';
import { collect, expectCode, json, uniquePrefix, withBackend, type ContractContext } from './helpers.ts';

export function registerCompact(c: ContractContext): void {
  test.serial(`${c.name}: compaction refuses reads below the compacted revision and keeps the latest values`, (t) =>
    withBackend(c, async (b) => {
      const p = uniquePrefix('compact');
      const r1 = await b.create(`${p}/a`, json({ v: 1 }));
      const r2 = await b.update(`${p}/a`, json({ v: 2 }), r1);
      const r3 = await b.create(`${p}/b`, json({ v: 1 }));
      await b.delete(`${p}/b`);
      const r5 = await b.update(`${p}/a`, json({ v: 3 }), r2);
      const r6 = await b.create(`${p}/c`, json({ v: 1 }));
      await b.create(`${p}/d`, json({ v: 1 }));
      await b.delete(`${p}/d`);

      await b.compact(r5);
      t.true((await b.compactedRevision()) >= r5);

      await expectCode(t, b.list(`${p}/`, { revision: r3 }), 'Compacted');
      await expectCode(t, b.list(`${p}/`, { revision: r1, limit: 1 }), 'Compacted');
      const old = collect(b, { prefix: `${p}/`, afterRevision: r1 });
      await old.until(() => false, 5_000).catch(() => undefined);
      t.is(old.error?.code, 'Compacted');
      t.deepEqual(old.events, []);

      // The compacted revision itself is still readable, with the values of that time.
      const atR5 = await b.list(`${p}/`, { revision: r5 });
      t.deepEqual(atR5.items, [{ key: `${p}/a`, value: json({ v: 3 }), createRevision: r1, modRevision: r5 }]);
      t.deepEqual(
        (await b.list(`${p}/`)).items.map((i) => [i.key, i.value]),
        [
          [`${p}/a`, json({ v: 3 })],
          [`${p}/c`, json({ v: 1 })],
        ],
      );
      t.deepEqual(await b.get(`${p}/a`), { key: `${p}/a`, value: json({ v: 3 }), createRevision: r1, modRevision: r5 });

      // History after the compacted revision replays, and the store keeps working.
      const fresh = collect(b, { prefix: `${p}/`, afterRevision: r5 });
      const r9 = await b.update(`${p}/a`, json({ v: 4 }), r5);
      const r10 = await b.create(`${p}/b`, json({ v: 2 }));
      await fresh.until((evs) => evs.some((e) => e.revision === r10));
      fresh.close();
      t.is(fresh.error, undefined);
      t.deepEqual(fresh.events[0]?.revision, r6);
      const tail = fresh.events.filter((e) => e.revision >= r9);
      t.deepEqual(
        tail.map((e) => [e.type, e.key, e.value, e.prevValue]),
        [
          ['MODIFIED', `${p}/a`, json({ v: 4 }), json({ v: 3 })],
          ['ADDED', `${p}/b`, json({ v: 2 }), undefined],
        ],
      );
    }),
  );
}
