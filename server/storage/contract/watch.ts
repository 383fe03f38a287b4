// Contract: watch replays history from any revision and continues live, without gap or
// duplicate, filtered by prefix; event shapes (ADDED, MODIFIED with prevValue, DELETED with
// the deleted value).

import test, { type ExecutionContext } from 'ava';
import type { Backend, StoreEvent } from '../types.ts';
import { collect, json, shape, uniquePrefix, withBackend, type ContractContext } from './helpers.ts';

/** Runs a fixed mix of writes under p and returns the events they must produce, in order. */
async function script(b: Backend, p: string): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  const create = async (k: string, v: unknown) => {
    const value = json(v);
    out.push({ type: 'ADDED', key: `${p}/${k}`, value, revision: await b.create(`${p}/${k}`, value) });
  };
  const update = async (k: string, v: unknown) => {
    const cur = (await b.get(`${p}/${k}`))!;
    const value = json(v);
    const revision = await b.update(`${p}/${k}`, value, cur.modRevision);
    out.push({ type: 'MODIFIED', key: `${p}/${k}`, value, prevValue: cur.value, revision });
  };
  const remove = async (k: string) => {
    const d = await b.delete(`${p}/${k}`);
    out.push({ type: 'DELETED', key: `${p}/${k}`, value: d.prev.value, revision: d.revision });
  };
  await create('a', { v: 1 });
  await create('b', { v: 1 });
  await update('a', { v: 2 });
  await remove('b');
  await create('c', { v: 1 });
  await update('c', { v: 2 });
  await update('a', { v: 3 });
  await remove('a');
  await create('b', { v: 2 });
  await update('b', { v: 3 });
  return out;
}

export function registerWatch(c: ContractContext): void {
  const it = (title: string, body: (t: ExecutionContext, b: Backend) => Promise<void>) =>
    test(`${c.name}: ${title}`, (t) => withBackend(c, (b) => body(t, b)));

  it('a live watch sees ADDED, MODIFIED with prevValue, and DELETED with the deleted value', async (t, b) => {
    const p = uniquePrefix('watch-live');
    const w = collect(b, { prefix: `${p}/`, afterRevision: await b.currentRevision() });
    try {
      const expected = await script(b, p);
      await w.until((evs) => evs.length >= expected.length);
      t.is(w.error, undefined);
      t.deepEqual(w.events.map(shape), expected.map(shape));
    } finally {
      w.close();
    }
  });

  it('a watch from every revision in a range yields exactly the suffix of events', async (t, b) => {
    const p = uniquePrefix('watch-suffix');
    const expected = await script(b, `${p}/x`);
    const revs = expected.map((e) => e.revision);
    // Every revision from just before the first event to the last one. On a shared store other
    // writers may widen that span a lot; then each event's neighbours stand in for it.
    const first = revs[0]! - 1;
    const last = revs[revs.length - 1]!;
    const starts =
      last - first <= 200
        ? Array.from({ length: last - first + 1 }, (_, i) => first + i)
        : [...new Set(revs.flatMap((r) => [r - 1, r, r + 1]))].filter((r) => r <= last);
    const watches = starts.map((afterRevision) => ({
      afterRevision,
      want: expected.filter((e) => e.revision > afterRevision),
      w: collect(b, { prefix: `${p}/`, afterRevision }),
    }));
    try {
      await Promise.all(watches.map(({ w, want }) => w.until((evs) => evs.length >= want.length)));
      // A marker written afterwards must be the very next event: nothing missed, nothing twice.
      const marker = `${p}/y/marker`;
      const markerRev = await b.create(marker, json({}));
      await Promise.all(watches.map(({ w }) => w.until((evs) => evs.some((e) => e.key === marker))));
      for (const { afterRevision, want, w } of watches) {
        t.is(w.error, undefined, `from ${afterRevision}`);
        t.deepEqual(
          w.events.map(shape),
          [...want.map(shape), { type: 'ADDED', key: marker, value: json({}), revision: markerRev }],
          `from ${afterRevision}`,
        );
      }
    } finally {
      for (const { w } of watches) w.close();
    }
  });

  it('a watch sees only keys under its prefix', async (t, b) => {
    const p = uniquePrefix('watch-prefix');
    const w = collect(b, { prefix: `${p}/a/`, afterRevision: await b.currentRevision() });
    try {
      await b.create(`${p}/ab`, json({}));
      await b.create(`${p}/b/x`, json({}));
      await b.create(`${p}/a`, json({}));
      const r1 = await b.create(`${p}/a/x`, json({ v: 1 }));
      await b.create(`${p}/b/y`, json({}));
      const r2 = await b.update(`${p}/a/x`, json({ v: 2 }), r1);
      const r3 = await b.create(`${p}/a/y/z`, json({}));
      await w.until((evs) => evs.length >= 3);
      await b.create(`${p}/a0`, json({}));
      const r4 = (await b.delete(`${p}/a/x`)).revision;
      await w.until((evs) => evs.length >= 4);
      t.deepEqual(
        w.events.map((e) => [e.type, e.key, e.revision]),
        [
          ['ADDED', `${p}/a/x`, r1],
          ['MODIFIED', `${p}/a/x`, r2],
          ['ADDED', `${p}/a/y/z`, r3],
          ['DELETED', `${p}/a/x`, r4],
        ],
      );
    } finally {
      w.close();
    }
  });

  it('concurrent writes reach a watch in revision order, each once', async (t, b) => {
    const p = uniquePrefix('watch-concurrent');
    const w = collect(b, { prefix: `${p}/`, afterRevision: await b.currentRevision() });
    try {
      const revs = await Promise.all(Array.from({ length: 100 }, (_, i) => b.create(`${p}/k${i}`, json({ i }))));
      await w.until((evs) => evs.length >= revs.length);
      t.deepEqual(w.events.map((e) => e.revision), [...revs].sort((x, y) => x - y));
    } finally {
      w.close();
    }
  });

  it('a closed watch gets no more events', async (t, b) => {
    const p = uniquePrefix('watch-close');
    const w = collect(b, { prefix: `${p}/`, afterRevision: await b.currentRevision() });
    await b.create(`${p}/a`, json({}));
    await w.until((evs) => evs.length >= 1);
    w.close();
    const rb = await b.create(`${p}/b`, json({}));
    // Once a newer watch has seen b, the closed one would have too, had it stayed open.
    const other = collect(b, { prefix: `${p}/`, afterRevision: rb - 1 });
    await other.until((evs) => evs.length >= 1);
    other.close();
    t.is(w.events.length, 1);
  });
}
