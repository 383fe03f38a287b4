// Contract: create/get/update/delete semantics, their errors, refused writes and revisions.

import test, { type ExecutionContext } from 'ava';
import { MAX_VALUE_BYTES, type Backend } from '../types.ts';
import { expectCode, json, uniquePrefix, withBackend, type ContractContext } from './helpers.ts';

export function registerCrud(c: ContractContext): void {
  const it = (title: string, body: (t: ExecutionContext, b: Backend) => Promise<void>) =>
    test(`${c.name}: ${title}`, (t) => withBackend(c, (b) => body(t, b)));

  it('create then get returns the value with createRevision = modRevision = the returned revision', async (t, b) => {
    const key = `${uniquePrefix('create')}/a`;
    const rev = await b.create(key, json({ v: 1 }));
    t.true(rev > 0);
    t.deepEqual(await b.get(key), { key, value: json({ v: 1 }), createRevision: rev, modRevision: rev });
    t.true((await b.currentRevision()) >= rev);
  });

  it('get of a missing key is undefined', async (t, b) => {
    t.is(await b.get(`${uniquePrefix('missing')}/nope`), undefined);
  });

  it('create of an existing key fails with KeyExists and keeps the value', async (t, b) => {
    const key = `${uniquePrefix('exists')}/a`;
    const rev = await b.create(key, json({ v: 1 }));
    const err = await expectCode(t, b.create(key, json({ v: 2 })), 'KeyExists');
    t.is(err?.key, key);
    t.deepEqual(await b.get(key), { key, value: json({ v: 1 }), createRevision: rev, modRevision: rev });
  });

  it('update with the current revision replaces the value and keeps createRevision', async (t, b) => {
    const key = `${uniquePrefix('update')}/a`;
    const r1 = await b.create(key, json({ v: 1 }));
    const r2 = await b.update(key, json({ v: 2 }), r1);
    t.true(r2 > r1);
    t.deepEqual(await b.get(key), { key, value: json({ v: 2 }), createRevision: r1, modRevision: r2 });
  });

  it('update with a stale revision fails with Conflict carrying the current value', async (t, b) => {
    const key = `${uniquePrefix('conflict')}/a`;
    const r1 = await b.create(key, json({ v: 1 }));
    const r2 = await b.update(key, json({ v: 2 }), r1);
    const err = await expectCode(t, b.update(key, json({ v: 3 }), r1), 'Conflict');
    t.deepEqual(err?.extra?.current, { key, value: json({ v: 2 }), createRevision: r1, modRevision: r2 });
    t.is((await b.get(key))?.value, json({ v: 2 }));
  });

  it('update of a missing or deleted key fails with KeyNotFound', async (t, b) => {
    const p = uniquePrefix('update-missing');
    await expectCode(t, b.update(`${p}/never`, json({}), 1), 'KeyNotFound');
    const r = await b.create(`${p}/gone`, json({ v: 1 }));
    await b.delete(`${p}/gone`);
    await expectCode(t, b.update(`${p}/gone`, json({ v: 2 }), r), 'KeyNotFound');
    t.is(await b.get(`${p}/gone`), undefined);
  });

  it('delete returns the deleted value; a second delete fails with KeyNotFound', async (t, b) => {
    const key = `${uniquePrefix('delete')}/a`;
    const r1 = await b.create(key, json({ v: 1 }));
    const d = await b.delete(key);
    t.true(d.revision > r1);
    t.deepEqual(d.prev, { key, value: json({ v: 1 }), createRevision: r1, modRevision: r1 });
    t.is(await b.get(key), undefined);
    await expectCode(t, b.delete(key), 'KeyNotFound');
  });

  it('delete with expectedModRevision: a stale one fails with Conflict, the current one deletes', async (t, b) => {
    const key = `${uniquePrefix('delete-pre')}/a`;
    const r1 = await b.create(key, json({ v: 1 }));
    const r2 = await b.update(key, json({ v: 2 }), r1);
    const err = await expectCode(t, b.delete(key, r1), 'Conflict');
    t.is(err?.extra?.current?.modRevision, r2);
    t.is((await b.get(key))?.value, json({ v: 2 }));
    const d = await b.delete(key, r2);
    t.is(d.prev.modRevision, r2);
    t.is(await b.get(key), undefined);
  });

  it('a key created again after a delete gets a new createRevision', async (t, b) => {
    const key = `${uniquePrefix('recreate')}/a`;
    const r1 = await b.create(key, json({ v: 1 }));
    const d = await b.delete(key);
    const r3 = await b.create(key, json({ v: 3 }));
    t.true(r3 > d.revision);
    t.deepEqual(await b.get(key), { key, value: json({ v: 3 }), createRevision: r3, modRevision: r3 });
    t.not(r3, r1);
  });

  const tooBig = json({ data: 'x'.repeat(MAX_VALUE_BYTES) });
  const refusedCreates: Array<[string, (p: string) => [string, string]]> = [
    ['an empty name segment', (p) => [`${p}//a`, json({})]],
    ['a trailing slash', (p) => [`${p}/a/`, json({})]],
    ['a control character in the key', (p) => [`${p}/a\u0001b`, json({})]],
    ['a value over 1.5 MiB', (p) => [`${p}/big`, tooBig]],
    ['a value that is not JSON', (p) => [`${p}/bad`, '{"unterminated":']],
  ];
  for (const [what, make] of refusedCreates) {
    it(`create with ${what} fails with InvalidValue and writes nothing`, async (t, b) => {
      const p = uniquePrefix('refused');
      const [key, value] = make(p);
      await expectCode(t, b.create(key, value), 'InvalidValue');
      t.deepEqual((await b.list(`${p}/`)).items, []);
      t.is(await b.count(`${p}/`), 0);
    });
  }

  const refusedUpdates: Array<[string, string]> = [
    ['a value over 1.5 MiB', tooBig],
    ['a value that is not JSON', 'not json'],
  ];
  for (const [what, value] of refusedUpdates) {
    it(`update with ${what} fails with InvalidValue and keeps the value`, async (t, b) => {
      const key = `${uniquePrefix('refused-update')}/a`;
      const r1 = await b.create(key, json({ v: 1 }));
      await expectCode(t, b.update(key, value, r1), 'InvalidValue');
      t.deepEqual(await b.get(key), { key, value: json({ v: 1 }), createRevision: r1, modRevision: r1 });
    });
  }

  it('a value just under the size limit is stored intact', async (t, b) => {
    const key = `${uniquePrefix('large')}/a`;
    const value = json({ data: 'y'.repeat(MAX_VALUE_BYTES - 100) });
    await b.create(key, value);
    t.is((await b.get(key))?.value, value);
  });

  it('revisions strictly increase, and concurrent writes get distinct revisions', async (t, b) => {
    const p = uniquePrefix('revisions');
    const seen: number[] = [await b.create(`${p}/a`, json({ i: 0 }))];
    for (let i = 1; i < 10; i++) seen.push(await b.update(`${p}/a`, json({ i }), seen[seen.length - 1]!));
    seen.push((await b.delete(`${p}/a`)).revision);
    for (let i = 1; i < seen.length; i++) t.true(seen[i]! > seen[i - 1]!, `revision ${i} did not increase`);
    const concurrent = await Promise.all(Array.from({ length: 50 }, (_, i) => b.create(`${p}/c-${i}`, json({ i }))));
    t.is(new Set(concurrent).size, concurrent.length);
    t.true(Math.min(...concurrent) > seen[seen.length - 1]!);
    t.true((await b.currentRevision()) >= Math.max(...concurrent));
  });

  it('racing updates with the same expected revision: exactly one wins each round', async (t, b) => {
    const key = `${uniquePrefix('race')}/a`;
    let rev = await b.create(key, json({ round: -1 }));
    const rounds = 15;
    const writers = 8;
    for (let round = 0; round < rounds; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: writers }, (_, w) => b.update(key, json({ round, w }), rev)),
      );
      const won = outcomes.flatMap((o, w) => (o.status === 'fulfilled' ? [{ w, rev: o.value }] : []));
      t.is(won.length, 1, `round ${round}: ${won.length} winners`);
      for (const o of outcomes) {
        if (o.status === 'rejected') t.is((o.reason as { code?: string }).code, 'Conflict');
      }
      const cur = await b.get(key);
      t.is(cur?.modRevision, won[0]!.rev);
      t.is(cur?.value, json({ round, w: won[0]!.w }));
      rev = won[0]!.rev;
    }
  });
}
