import test from 'ava';
import { StatusError, type GroupResource } from '../../api/meta/errors.ts';
import type { KubeObject } from '../../api/types.ts';
import { openSqliteBackend } from './sqlite/index.ts';
import { Cacher, INITIAL_EVENTS_END_ANNOTATION, type CacherOptions, type CacheWatcher } from './cacher.ts';
import { keyFor, ObjectStore, prefixFor, type WatchEvent } from './object-store.ts';
import { collectGarbage } from '../../testing/gc.ts';

const CM: GroupResource = { group: '', resource: 'configmaps' };

function open(opts: Partial<CacherOptions> = {}, progressIntervalMs = 1000) {
  const backend = openSqliteBackend({ path: ':memory:', progressIntervalMs });
  let backendWatches = 0;
  const watch = backend.watch.bind(backend);
  backend.watch = (o, h) => (backendWatches++, watch(o, h));
  const store = new ObjectStore(CM, backend);
  const cacher = new Cacher({ resource: CM, backend, store, kind: 'ConfigMap', apiVersion: 'v1', ...opts });
  return {
    backend,
    store,
    cacher,
    backendWatches: () => backendWatches,
    async close() {
      cacher.close();
      await backend.close();
    },
  };
}

function cm(name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data };
}
const key = (name: string) => keyFor(CM, 'default', name);

async function statusOf(p: Promise<unknown>): Promise<StatusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(e)}`);
  return e;
}

/** The next n events, failing after ms. */
async function take(w: CacheWatcher, n: number, ms = 2000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const r = await Promise.race([w.next(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), deadline - Date.now()))]);
    if (r === 'timeout') throw new Error(`timed out with ${out.length}/${n} events`);
    if (r.done) throw new Error(`watch closed (${w.closeReason}) after ${out.length}/${n} events`);
    out.push(r.value);
  }
  return out;
}
const view = (evs: WatchEvent[]) => evs.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}@${e.object.metadata?.resourceVersion}`);

test('list rv="" is consistent right after a write; rv="0" and get come from the cache', async (t) => {
  const c = open();
  await c.cacher.start();
  const a = await c.store.create(key('a'), cm('a'));
  const list = await c.cacher.list({});
  t.deepEqual(list.items.map((o) => o.metadata!.name), ['a']);
  t.is(list.resourceVersion, a.metadata!.resourceVersion!);
  t.deepEqual(list.raw?.map(String), [JSON.stringify(list.items[0])]);
  t.is((await c.cacher.list({ resourceVersion: '0' })).items.length, 1);
  t.is((await c.cacher.get(key('a'), { resourceVersion: '0' })).metadata!.resourceVersion, a.metadata!.resourceVersion);
  const missing = await statusOf(c.cacher.get(key('zz'), { resourceVersion: '0' }));
  t.deepEqual([missing.code, missing.message], [404, 'configmaps "zz" not found']);
  t.true(Object.isFrozen(list.items[0].metadata), 'cached objects are shared read-only');
  await c.close();
});

test('list rv="" stays consistent when the store moved on through other resources', async (t) => {
  const c = open({ consistentWaitMs: 20 });
  await c.store.create(key('a'), cm('a'));
  await c.cacher.start();
  const other = new ObjectStore({ group: '', resource: 'secrets' }, c.backend);
  await other.create(keyFor({ group: '', resource: 'secrets' }, 'default', 's'), cm('s'));
  const list = await c.cacher.list({});
  t.is(list.resourceVersion, String(await c.backend.currentRevision()));
  t.deepEqual(list.items.map((o) => o.metadata!.name), ['a']);
  await c.close();
});

for (const sendInitialEvents of [true, undefined]) {
  test(`watch rv="" (sendInitialEvents ${sendInitialEvents}): a cache that lags the store takes its state from the store, then only later changes`, async (t) => {
    const c = open({ consistentWaitMs: 20 });
    // The backend's events reach the cache 300 ms late, as an etcd watch may under load, and
    // it cannot be asked for progress (etcd before 3.4.25: kubets never asks).
    (c.backend as { requestProgress?: unknown }).requestProgress = undefined;
    const watch = c.backend.watch.bind(c.backend);
    c.backend.watch = (o, h) =>
      watch(o, {
        onEvents: (evs) => void setTimeout(() => h.onEvents(evs), 300),
        onProgress: (rev) => void setTimeout(() => h.onProgress?.(rev), 300),
        onError: h.onError,
      });
    await c.cacher.start();
    const a = await c.store.create(key('a'), cm('a'));
    const w = await c.cacher.watch({ sendInitialEvents, allowBookmarks: true });
    const rv = a.metadata!.resourceVersion;
    t.deepEqual(view(await take(w, sendInitialEvents ? 2 : 1)), [`ADDED a@${rv}`, ...(sendInitialEvents ? [`BOOKMARK @${rv}`] : [])]);
    // The cache's own (late) event for a is in that state already: not sent again; b is.
    const b = await c.store.create(key('b'), cm('b'));
    t.deepEqual(view(await take(w, 1)), [`ADDED b@${b.metadata!.resourceVersion}`]);
    w.stop();
    await c.close();
  });
}

/**
 * A cache holding `a` that lags the store: no progress request (etcd before 3.4.25) and no
 * timely notification, so only its own events move it, while the store's revision moves on
 * through another resource. Returns the store's revision.
 */
async function behindTheStore(c: ReturnType<typeof open>): Promise<number> {
  (c.backend as { requestProgress?: unknown }).requestProgress = undefined;
  await c.store.create(key('a'), cm('a'));
  await c.cacher.start();
  const other = new ObjectStore({ group: '', resource: 'secrets' }, c.backend);
  await other.create(keyFor({ group: '', resource: 'secrets' }, 'default', 's'), cm('s'));
  return c.backend.currentRevision();
}

test('list and get at rv N that the cache cannot reach in time read the store; beyond the store, 504', async (t) => {
  const c = open({ freshTimeoutMs: 50 }, 60_000);
  const current = await behindTheStore(c);
  const list = await c.cacher.list({ resourceVersion: String(current), resourceVersionMatch: 'NotOlderThan' });
  t.is(list.resourceVersion, String(current));
  t.deepEqual(list.items.map((o) => o.metadata!.name), ['a']);
  t.is((await c.cacher.get(key('a'), { resourceVersion: String(current) })).metadata!.name, 'a');
  const err = await statusOf(c.cacher.list({ resourceVersion: String(current + 100), resourceVersionMatch: 'NotOlderThan' }));
  t.is(err.code, 504);
  t.regex(err.message, /Too large resource version/);
  await c.close();
});

test('watch from rv N that the cache cannot reach in time starts there: later changes only, or the state from the store', async (t) => {
  const c = open({ freshTimeoutMs: 50 }, 60_000);
  const rv = String(await behindTheStore(c));
  const w = await c.cacher.watch({ resourceVersion: rv });
  const withState = await c.cacher.watch({ resourceVersion: rv, sendInitialEvents: true, allowBookmarks: true });
  t.deepEqual(view(await take(withState, 2)), ['ADDED a@' + (await c.store.get(key('a'))).metadata!.resourceVersion, `BOOKMARK @${rv}`]);
  const b = await c.store.create(key('b'), cm('b'));
  t.deepEqual(view(await take(w, 1)), [`ADDED b@${b.metadata!.resourceVersion}`]);
  t.deepEqual(view(await take(withState, 1)), [`ADDED b@${b.metadata!.resourceVersion}`]);
  const err = await statusOf(c.cacher.watch({ resourceVersion: String(Number(b.metadata!.resourceVersion) + 100) }));
  t.is(err.code, 504);
  w.stop();
  withState.stop();
  await c.close();
});

test('list and watch rv="": a progress notification ahead of a late event does not make the cache count as fresh', async (t) => {
  const c = open({ consistentWaitMs: 20 });
  (c.backend as { requestProgress?: unknown }).requestProgress = undefined;
  // Events reach the cache late; progress comes at once and names the store's revision, as
  // etcd 3.4.23 may send it while the event is still queued.
  let progress: ((rev: number) => void) | undefined;
  const watch = c.backend.watch.bind(c.backend);
  c.backend.watch = (o, h) => {
    progress = (rev) => h.onProgress?.(rev);
    return watch(o, { onEvents: (evs) => void setTimeout(() => h.onEvents(evs), 300), onProgress: () => undefined, onError: h.onError });
  };
  await c.cacher.start();
  const a = await c.store.create(key('a'), cm('a'));
  progress!(await c.backend.currentRevision());
  t.deepEqual((await c.cacher.list({})).items.map((o) => o.metadata!.name), ['a']);
  const w = await c.cacher.watch({ sendInitialEvents: true });
  t.deepEqual(view(await take(w, 2)), [`ADDED a@${a.metadata!.resourceVersion}`, `BOOKMARK @${a.metadata!.resourceVersion}`]);
  w.stop();
  await c.close();
});

test('rv=0 reads show what this process wrote, even when the cache lags the store', async (t) => {
  const c = open();
  const watch = c.backend.watch.bind(c.backend);
  c.backend.watch = (o, h) => watch(o, { onEvents: (evs) => void setTimeout(() => h.onEvents(evs), 300), onProgress: () => undefined, onError: h.onError });
  await c.cacher.start();
  await c.store.create(key('a'), cm('a'));
  t.deepEqual((await c.cacher.list({ resourceVersion: '0' })).items.map((o) => o.metadata!.name), ['a']);
  await c.store.create(key('b'), cm('b'));
  t.is((await c.cacher.get(key('b'), { resourceVersion: '0' })).metadata!.name, 'b');
  await c.store.delete(key('a'));
  const w = await c.cacher.watch({ resourceVersion: '0' });
  t.deepEqual(view(await take(w, 1)).map((v) => v.split('@')[0]), ['ADDED b']);
  w.stop();
  await c.close();
});

test('paged list from the cache continues through the store at the same revision', async (t) => {
  const c = open();
  for (const n of ['a', 'b', 'c', 'd', 'e']) await c.store.create(key(n), cm(n));
  const first = await c.cacher.list({ limit: 2, prefix: prefixFor(CM, 'default') });
  t.deepEqual(first.items.map((o) => o.metadata!.name), ['a', 'b']);
  t.is(first.remainingItemCount, 3);
  await c.store.delete(key('c'));
  const names = first.items.map((o) => o.metadata!.name);
  let cont = first.continue;
  while (cont) {
    const page = await c.cacher.list({ limit: 2, continue: cont, prefix: prefixFor(CM, 'default') });
    t.is(page.resourceVersion, first.resourceVersion);
    names.push(...page.items.map((o) => o.metadata!.name));
    cont = page.continue;
  }
  t.deepEqual(names, ['a', 'b', 'c', 'd', 'e']);
  const filtered = await c.cacher.list({ predicate: (o) => o.metadata!.name !== 'a', limit: 1 });
  t.deepEqual(filtered.items.map((o) => o.metadata!.name), ['b']);
  t.is(filtered.remainingItemCount, undefined);
  await c.close();
});

test('watch rv=0 sends the state then changes; exact rv replays the window', async (t) => {
  const c = open();
  const a = await c.store.create(key('a'), cm('a'));
  const fromZero = await c.cacher.watch({ resourceVersion: '0' });
  t.deepEqual(view(await take(fromZero, 1)), [`ADDED a@${a.metadata!.resourceVersion}`]);
  const b = await c.store.create(key('b'), cm('b'));
  const a2 = await c.store.guaranteedUpdate(key('a'), (o) => ({ ...o!, data: { v: '2' } }));
  const del = await c.store.delete(key('b'));
  const live = [`ADDED b@${b.metadata!.resourceVersion}`, `MODIFIED a@${a2.metadata!.resourceVersion}`, `DELETED b@${del.metadata!.resourceVersion}`];
  t.deepEqual(view(await take(fromZero, 3)), live);
  const replay = await c.cacher.watch({ resourceVersion: a.metadata!.resourceVersion });
  t.deepEqual(view(await take(replay, 3)), live);
  const evs = await take(await c.cacher.watch({ resourceVersion: a2.metadata!.resourceVersion }), 1);
  t.is(String(evs[0].raw), JSON.stringify(evs[0].object));
  t.is(c.backendWatches(), 1, 'one backend watch serves every client watch');
  await c.close();
});

test('watch: 410 before the window, 504 after waiting for a future rv, wakes when it arrives', async (t) => {
  const c = open({ windowCapacity: 3, freshTimeoutMs: 100 });
  await c.cacher.start();
  const first = await c.store.create(key('a'), cm('a'));
  for (let i = 0; i < 5; i++) await c.store.guaranteedUpdate(key('a'), (o) => ({ ...o!, data: { i: String(i) } }));
  const old = await statusOf(c.cacher.watch({ resourceVersion: first.metadata!.resourceVersion }));
  t.deepEqual([old.code, old.reason], [410, 'Expired']);
  // Six events, three kept: the window starts after the third.
  t.is(old.message, `too old resource version: ${first.metadata!.resourceVersion} (${Number(first.metadata!.resourceVersion) + 2})`);
  const cur = c.cacher.revision;
  const future = await statusOf(c.cacher.watch({ resourceVersion: String(cur + 10) }));
  t.deepEqual([future.code, future.reason, future.message], [504, 'Timeout', `Too large resource version: ${cur + 10}, current: ${cur}`]);
  const pending = c.cacher.watch({ resourceVersion: String(cur + 1) });
  const next = await c.store.create(key('b'), cm('b'));
  const w = await pending;
  await c.store.create(key('c'), cm('c'));
  t.deepEqual(view(await take(w, 1)), [`ADDED c@${Number(next.metadata!.resourceVersion) + 1}`]);
  await c.close();
});

test('bookmarks go to idle watchers that asked; initial-events-end ends the initial state', async (t) => {
  const c = open({ bookmarkIntervalMs: 30 });
  await c.store.create(key('a'), cm('a'));
  await c.store.create(key('b'), cm('b'));
  const rv = String(await c.backend.currentRevision());
  const withBm = await c.cacher.watch({ resourceVersion: rv, allowBookmarks: true });
  const without = await c.cacher.watch({ resourceVersion: rv });
  const bm = (await take(withBm, 1))[0];
  t.deepEqual(bm, { type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv } }, raw: bm.raw });
  t.is(bm.raw, JSON.stringify(bm.object));
  await new Promise((r) => setTimeout(r, 100));
  t.is(without.pending, 0, 'no bookmark without allowBookmarks');

  const list = await c.cacher.watch({ sendInitialEvents: true, allowBookmarks: true, resourceVersion: '' });
  const evs = await take(list, 3);
  t.deepEqual(view(evs.slice(0, 2)).map((s) => s.split('@')[0]), ['ADDED a', 'ADDED b']);
  t.deepEqual(evs[2].object, {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { resourceVersion: rv, annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } },
  });
  t.is(evs[2].type, 'BOOKMARK');
  await c.close();
});

test('filters see transitions: leaving the selection is DELETED, entering is ADDED', async (t) => {
  const c = open();
  await c.cacher.start();
  const w = await c.cacher.watch({ resourceVersion: String(c.cacher.revision), predicate: (o) => o.metadata?.labels?.app === 'web' });
  await c.store.create(key('x'), cm('x', { app: 'db' }));
  const a = await c.store.create(key('a'), cm('a', { app: 'web' }));
  const out = await c.store.guaranteedUpdate(key('a'), (o) => ({ ...o!, metadata: { ...o!.metadata, labels: { app: 'db' } } }));
  const back = await c.store.guaranteedUpdate(key('a'), (o) => ({ ...o!, metadata: { ...o!.metadata, labels: { app: 'web' } } }));
  const evs = await take(w, 3);
  t.deepEqual(view(evs), [`ADDED a@${a.metadata!.resourceVersion}`, `DELETED a@${out.metadata!.resourceVersion}`, `ADDED a@${back.metadata!.resourceVersion}`]);
  t.is(evs[1].object.metadata?.labels?.app, 'web', 'DELETED shows the last state that matched');
  await c.close();
});

test('a slow watcher is closed without holding up the others', async (t) => {
  const c = open({ watcherBufferSize: 3 });
  await c.cacher.start();
  const rv = String(c.cacher.revision);
  const slow = await c.cacher.watch({ resourceVersion: rv });
  const fast = await c.cacher.watch({ resourceVersion: rv });
  const got: WatchEvent[] = [];
  const reading = (async () => {
    for await (const ev of fast) if (got.push(ev) === 10) break;
  })();
  for (let i = 0; i < 10; i++) await c.store.create(key(`n${i}`), cm(`n${i}`));
  await reading;
  t.is(got.length, 10);
  t.true(slow.isClosed);
  t.is(slow.closeReason, 'too slow');
  t.is(c.cacher.watcherCount, 0, 'both are gone: one too slow, one stopped by its reader');
  await c.close();
});

test.serial('1,000 watchers all receive an event', async (t) => {
  const c = open();
  await c.cacher.start();
  const rv = String(c.cacher.revision);
  const watchers = await Promise.all(Array.from({ length: 1000 }, () => c.cacher.watch({ resourceVersion: rv })));
  // Warm up (JIT, first write), then measure the second event.
  const warm = Promise.all(watchers.map((w) => w.next()));
  await c.store.create(key('warm'), cm('warm'));
  await warm;
  const received: number[] = [];
  let start = 0;
  const all = Promise.all(
    watchers.map(async (w) => {
      const r = await w.next();
      received.push(performance.now() - start);
      return r.value as WatchEvent;
    }),
  );
  start = performance.now();
  const created = await c.store.create(key('hello'), cm('hello'));
  const events = await all;
  t.true(events.every((e) => e.type === 'ADDED' && e.object.metadata?.resourceVersion === created.metadata!.resourceVersion));
  received.sort((a, b) => a - b);
  const p = (q: number) => received[Math.min(received.length - 1, Math.floor(q * received.length))].toFixed(2);
  const spread = (received[received.length - 1] - received[0]).toFixed(2);
  t.log(`1000 watchers, from write call to receipt: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; first to last receipt ${spread} ms`);
  t.is(c.backendWatches(), 1);
  await c.close();
});

test('close ends every watch and refuses new ones', async (t) => {
  const c = open();
  const w = await c.cacher.watch({ resourceVersion: '0' });
  const pending = w.next();
  c.cacher.close();
  t.true((await pending).done);
  t.is(w.closeReason, 'shutdown');
  const e = await statusOf(c.cacher.watch({}));
  t.is(e.code, 503);
  await c.backend.close();
});

test('the cache takes an in-process write from the object written, the same as from its value', async (t) => {
  const c = open();
  await c.cacher.start();
  const obj = { ...cm('w', { a: 'b' }, { k: 'v' }), skipped: undefined } as KubeObject;
  await c.store.create(key('w'), obj);
  await c.store.guaranteedUpdate(key('w'), (cur) => ({ ...cur!, data: { k: 'w' } }));
  t.is(c.store.inFlight.size, 0);
  const cached = c.cacher.peek(key('w'))!;
  const stored = await c.store.get(key('w'));
  t.deepEqual(cached.object, stored);
  t.is(cached.raw.toString(), JSON.stringify(stored));
  t.true(Object.isFrozen(cached.object) && Object.isFrozen(cached.object.data));
  t.false(Object.isFrozen(obj));
  await c.close();
});

test('the cache keeps each object as JSON only: a list parses on use, a filtered watch resumed after the live dispatch still sees transitions', async (t) => {
  const c = open();
  await c.cacher.start();
  const a = await c.store.create(key('a'), cm('a', { tier: 'web' }));
  const list = await c.cacher.list({ resourceVersion: '0' });
  t.deepEqual(list.raw?.map(String), [JSON.stringify(await c.store.get(key('a')))]);
  t.is(Object.getOwnPropertyDescriptor(list, 'items')?.get !== undefined, true, 'items are parsed only when read');
  const first = list.items;
  t.is(list.items, first, 'and once per list');
  t.deepEqual(first.map((o) => o.metadata!.name), ['a']);
  t.true(Object.isFrozen(first[0]));
  t.deepEqual({ ...list }.items, first, 'a copy of the page has the items');
  t.not(c.cacher.peek(key('a'))!.object, c.cacher.peek(key('a'))!.object, 'each read parses its own copy: the cache holds none');
  // A label change moves the object out of tier=web (DELETED to that watch), then back in (ADDED).
  await c.store.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, metadata: { ...cur!.metadata, labels: { tier: 'db' } } }));
  await c.store.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, metadata: { ...cur!.metadata, labels: { tier: 'web' } } }));
  await c.cacher.list({}); // the cache has dispatched (and released) both events
  const web = (o: KubeObject) => o.metadata?.labels?.tier === 'web';
  const w = await c.cacher.watch({ resourceVersion: a.metadata!.resourceVersion, predicate: web });
  const evs = await take(w, 2);
  t.deepEqual(evs.map((e) => e.type), ['DELETED', 'ADDED']);
  t.is(evs[0].object.metadata?.labels?.tier, 'web', 'DELETED carries the state it had while it matched');
  t.is(String(evs[1].raw), JSON.stringify(evs[1].object));
  w.stop();
  await c.close();
});

test('a watcher holds no event its consumer took', async (t) => {
  const c = open();
  await c.cacher.start();
  const w = await c.cacher.watch({ resourceVersion: '0' });
  for (let i = 0; i < 5; i++) await c.store.create(key(`q${i}`), cm(`q${i}`));
  await c.cacher.list({}); // all five are queued
  const refs: WeakRef<KubeObject>[] = [];
  for (let i = 0; i < 5; i++) refs.push(new WeakRef(((await w.next()) as IteratorYieldResult<WatchEvent>).value.object));
  await collectGarbage();
  t.deepEqual(refs.map((r) => r.deref()?.metadata?.name).filter(Boolean), []);
  w.stop();
  await c.close();
});
