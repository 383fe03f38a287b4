// Contract: list by prefix at one revision, paging with limit/startKey, reads of the past.

import test, { type ExecutionContext } from 'ava';
import type { Backend, KeyValue, ListResult } from '../types.ts';
import { json, uniquePrefix, withBackend, type ContractContext } from './helpers.ts';

/** Pages through prefix with limit, each page resuming after the last key of the one before. */
async function pageAll(b: Backend, prefix: string, limit: number, atFirstRevision: boolean): Promise<{ pages: ListResult[]; items: KeyValue[] }> {
  const pages: ListResult[] = [];
  let startKey: string | undefined;
  let revision: number | undefined;
  for (;;) {
    const page = await b.list(prefix, { limit, startKey, revision });
    pages.push(page);
    if (atFirstRevision) revision = page.revision;
    if (!page.more) break;
    // Keys never hold control characters, so key + NUL is the next possible key.
    startKey = `${page.items[page.items.length - 1]!.key}\u0000`;
  }
  return { pages, items: pages.flatMap((p) => p.items) };
}

export function registerList(c: ContractContext): void {
  const it = (title: string, body: (t: ExecutionContext, b: Backend) => Promise<void>) =>
    test(`${c.name}: ${title}`, (t) => withBackend(c, (b) => body(t, b)));

  it('list returns the keys under the prefix, in key order, read at one revision', async (t, b) => {
    const p = uniquePrefix('list');
    const names = ['b', 'a', 'c/d', 'c', 'a0'];
    const revs = new Map<string, number>();
    for (const n of names) revs.set(`${p}/${n}`, await b.create(`${p}/${n}`, json({ n })));
    await b.create(`${p}x/sibling`, json({}));
    await b.delete(`${p}/a0`);
    revs.delete(`${p}/a0`);
    const r = await b.list(`${p}/`);
    t.deepEqual(r.items.map((i) => i.key), [...revs.keys()].sort());
    t.false(r.more);
    for (const i of r.items) {
      t.is(i.modRevision, revs.get(i.key)!);
      t.true(i.modRevision <= r.revision);
    }
    t.true(r.revision >= Math.max(...revs.values()));
    t.is(await b.count(`${p}/`), revs.size);
  });

  it('list of an empty prefix range is empty', async (t, b) => {
    const r = await b.list(`${uniquePrefix('empty')}/`);
    t.deepEqual(r.items, []);
    t.false(r.more);
    t.true(r.revision >= 0);
  });

  it('limit and startKey page through the keys; more and remaining tell what follows', async (t, b) => {
    const p = uniquePrefix('paging');
    const keys = Array.from({ length: 10 }, (_, i) => `${p}/k${String(i).padStart(2, '0')}`);
    for (const k of keys) await b.create(k, json({ k }));
    const first = await b.list(`${p}/`, { limit: 3 });
    t.deepEqual(first.items.map((i) => i.key), keys.slice(0, 3));
    t.true(first.more);
    if (first.remaining !== undefined) t.is(first.remaining, 7);
    const mid = await b.list(`${p}/`, { limit: 4, startKey: keys[3] });
    t.deepEqual(mid.items.map((i) => i.key), keys.slice(3, 7));
    t.true(mid.more);
    if (mid.remaining !== undefined) t.is(mid.remaining, 3);
    const last = await b.list(`${p}/`, { limit: 3, startKey: keys[7] });
    t.deepEqual(last.items.map((i) => i.key), keys.slice(7));
    t.false(last.more);
    const exact = await b.list(`${p}/`, { limit: 10 });
    t.is(exact.items.length, 10);
    t.false(exact.more);
    const { items } = await pageAll(b, `${p}/`, 4, false);
    t.deepEqual(items.map((i) => i.key), keys);
  });

  it('paging during concurrent writes loses and repeats none of the keys that exist throughout', async (t, b) => {
    const p = uniquePrefix('paging-busy');
    const stable = Array.from({ length: 40 }, (_, i) => `${p}/s${String(i).padStart(3, '0')}`);
    const revs = new Map<string, number>();
    for (const k of stable) revs.set(k, await b.create(k, json({ v: 0 })));
    let stop = false;
    const churn = (async () => {
      for (let i = 0; !stop; i++) {
        const tmp = `${stable[i % stable.length]}-tmp${i}`;
        await b.create(tmp, json({ i }));
        const k = stable[(i * 7) % stable.length]!;
        revs.set(k, await b.update(k, json({ v: i }), revs.get(k)!));
        if (i % 2 === 0) await b.delete(tmp);
      }
    })();
    try {
      for (const atFirstRevision of [false, true]) {
        const { pages, items } = await pageAll(b, `${p}/`, 5, atFirstRevision);
        const keys = items.map((i) => i.key);
        for (let i = 1; i < keys.length; i++) t.true(keys[i - 1]! < keys[i]!, `keys out of order or repeated at ${keys[i]}`);
        const got = keys.filter((k) => !k.includes('-tmp'));
        t.deepEqual(got, stable, `atFirstRevision=${atFirstRevision}`);
        if (atFirstRevision) {
          // Every page was read at the first page's revision: together they are that snapshot.
          t.true(pages.every((pg) => pg.revision === pages[0]!.revision));
          const snapshot = await b.list(`${p}/`, { revision: pages[0]!.revision });
          t.deepEqual(items, snapshot.items);
        }
      }
    } finally {
      stop = true;
      await churn;
    }
  });

  it('list at an old revision sees the keys and values of that time', async (t, b) => {
    const p = uniquePrefix('list-past');
    const r1 = await b.create(`${p}/a`, json({ v: 1 }));
    const r2 = await b.create(`${p}/b`, json({ v: 1 }));
    const r3 = await b.update(`${p}/a`, json({ v: 2 }), r1);
    await b.delete(`${p}/b`);
    await b.create(`${p}/c`, json({ v: 1 }));
    const atR2 = await b.list(`${p}/`, { revision: r2 });
    t.is(atR2.revision, r2);
    t.deepEqual(atR2.items, [
      { key: `${p}/a`, value: json({ v: 1 }), createRevision: r1, modRevision: r1 },
      { key: `${p}/b`, value: json({ v: 1 }), createRevision: r2, modRevision: r2 },
    ]);
    const atR3 = await b.list(`${p}/`, { revision: r3 });
    t.deepEqual(atR3.items.map((i) => [i.key, i.value]), [
      [`${p}/a`, json({ v: 2 })],
      [`${p}/b`, json({ v: 1 })],
    ]);
    const pagedPast = await b.list(`${p}/`, { revision: r3, limit: 1 });
    t.deepEqual(pagedPast.items.map((i) => i.key), [`${p}/a`]);
    t.true(pagedPast.more);
    const now = await b.list(`${p}/`);
    t.deepEqual(now.items.map((i) => i.key), [`${p}/a`, `${p}/c`]);
  });
}
