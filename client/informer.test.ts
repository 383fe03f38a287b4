import test from 'ava';
import type { KubeObject } from '../api/types.ts';
import { ApiError } from './errors.ts';
import { createInformerFactory, dropsManagedFields, stripManagedFields } from './informer.ts';
import { configMaps, eventually, namespaces, startTestServer, type TestServer } from '../testing/test-server.ts';
import type { Client, ObjectList, WatchEvent, WatchHandle } from './types.ts';

let ts: TestServer;
test.before(async () => {
  ts = await startTestServer();
});
test.after.always(async () => {
  await ts?.close();
});

type Seen = Array<[string, string]>;
const recorder = (seen: Seen, ns: string) => ({
  add: (o: KubeObject) => o.metadata?.namespace === ns && seen.push(['add', o.metadata.name!]),
  update: (old: KubeObject, o: KubeObject) => o.metadata?.namespace === ns && old !== o && seen.push(['update', o.metadata.name!]),
  delete: (o: KubeObject) => o.metadata?.namespace === ns && seen.push(['delete', o.metadata.name!]),
});

test('informer: list, then add/update/delete from the watch; lister and indexes follow', async (t) => {
  const c = ts.client();
  const ns = 'inf1';
  await c.create(namespaces, '', { metadata: { name: ns } });
  await c.create(configMaps, ns, { metadata: { name: 'before', labels: { tier: 'a' } } });
  const factory = createInformerFactory(c, { pageSize: 2 });
  t.teardown(() => factory.stop());
  const inf = factory.informer(configMaps);
  inf.addIndex('tier', (o) => (o.metadata?.labels?.tier ? [o.metadata.labels.tier] : []));
  const seen: Seen = [];
  inf.addEventHandler(recorder(seen, ns));
  factory.start();
  await factory.waitForSync();
  t.true(inf.hasSynced());
  t.deepEqual(seen, [['add', 'before']]);
  t.truthy(inf.lister.get(ns, 'before'));

  await c.create(configMaps, ns, { metadata: { name: 'after', labels: { tier: 'b' } } });
  await c.patch(configMaps, ns, 'before', 'merge', { metadata: { labels: { tier: 'b' } } });
  await c.delete(configMaps, ns, 'after');
  await eventually(() => seen.length === 4, 5000, 'three watch events');
  t.deepEqual(seen, [['add', 'before'], ['add', 'after'], ['update', 'before'], ['delete', 'after']]);

  t.deepEqual(inf.lister.list(ns).map((o) => o.metadata?.name), ['before']);
  t.deepEqual(inf.lister.list(ns, 'tier=b').map((o) => o.metadata?.name), ['before']);
  t.deepEqual(inf.lister.list(ns, 'tier=a'), []);
  t.deepEqual(inf.lister.byIndex('tier', 'b').map((o) => o.metadata?.name), ['before']);
  t.deepEqual(inf.lister.byIndex('tier', 'a'), []);
  t.true(inf.lister.list().length >= 1);

  // A handler added late hears about what is already cached.
  const late: Seen = [];
  inf.addEventHandler(recorder(late, ns));
  t.deepEqual(late, [['add', 'before']]);
});

test('informer: a transform sees every listed and watched object before the cache and handlers do', async (t) => {
  const c = ts.client();
  const ns = 'inf-transform';
  await c.create(namespaces, '', { metadata: { name: ns } });
  await c.create(configMaps, ns, { metadata: { name: 'listed' }, data: { a: '1' } });
  const factory = createInformerFactory(c, { transform: (o) => stripManagedFields({ ...o, data: undefined } as KubeObject) });
  t.teardown(() => factory.stop());
  const inf = factory.informer(configMaps);
  const handled: KubeObject[] = [];
  inf.addEventHandler({ add: (o) => handled.push(o), update: (_o, o) => handled.push(o) });
  factory.start();
  await factory.waitForSync();
  await c.create(configMaps, ns, { metadata: { name: 'watched' }, data: { b: '2' } });
  await eventually(() => inf.lister.get(ns, 'watched') !== undefined, 5000, 'the watched ConfigMap');
  for (const name of ['listed', 'watched']) {
    const o = inf.lister.get(ns, name)!;
    t.is(o.metadata?.managedFields, undefined, `${name}: managedFields dropped`);
    t.is((o as { data?: unknown }).data, undefined, `${name}: the transform's own change kept`);
    t.truthy(o.metadata?.uid, `${name}: the rest kept`);
  }
  const mine = handled.filter((o) => o.metadata?.namespace === ns);
  t.deepEqual(mine.map((o) => o.metadata?.name), ['listed', 'watched']);
  t.true(mine.every((o) => o.metadata?.managedFields === undefined && !('data' in o && (o as { data?: unknown }).data)));
  // The server still keeps them: only this cache dropped them.
  t.truthy((await c.get(configMaps, ns, 'listed'))?.metadata?.managedFields);
});

test('informer: survives server-side watch timeouts without missing events', async (t) => {
  const c = ts.client();
  const ns = 'inf2';
  await c.create(namespaces, '', { metadata: { name: ns } });
  const factory = createInformerFactory(c, { watchTimeoutSeconds: 1 });
  t.teardown(() => factory.stop());
  const inf = factory.informerFor(configMaps);
  const seen: Seen = [];
  inf.addEventHandler(recorder(seen, ns));
  factory.start();
  await factory.waitForSync();
  for (let i = 0; i < 5; i++) {
    await c.create(configMaps, ns, { metadata: { name: `cm${i}` } });
    await new Promise((r) => setTimeout(r, 400)); // spans ~2 watch timeouts
  }
  await eventually(() => seen.length === 5, 5000, 'five adds');
  t.deepEqual(seen.map(([, n]) => n), ['cm0', 'cm1', 'cm2', 'cm3', 'cm4']);
  t.is(inf.lists, 1, 'only the first list: every re-watch resumed from the last resourceVersion');
});

test('informer: resync calls update(obj, same obj)', async (t) => {
  const c = ts.client();
  const factory = createInformerFactory(c, { resyncMs: 100 });
  t.teardown(() => factory.stop());
  const inf = factory.informer(configMaps);
  let resyncs = 0;
  inf.addEventHandler({ update: (a, b) => void (a === b && resyncs++) });
  factory.start();
  await factory.waitForSync();
  await c.create(configMaps, 'default', { metadata: { name: 'resync' } });
  await eventually(() => resyncs >= 2, 3000, 'two resyncs');
  t.true(resyncs >= 2, `resyncs: ${resyncs}`);
});

// A fake server for the 410 path: the first watch answers Gone once `release()` is called;
// the relist then shows what changed meanwhile.
function fakeClient(lists: KubeObject[][]): Client & { listCalls: number; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const fake = {
    listCalls: 0,
    release,
    async list() {
      const items = lists[Math.min(fake.listCalls, lists.length - 1)];
      fake.listCalls++;
      return { metadata: { resourceVersion: String(10 * fake.listCalls) }, items } as ObjectList<never>;
    },
    watch(): WatchHandle {
      const done = fake.listCalls < lists.length ? gate.then(() => Promise.reject(new ApiError(410, 'Expired', 'too old'))) : new Promise<void>(() => {});
      done.catch(() => {});
      return { done, stop() {} };
    },
  };
  return fake as unknown as Client & { listCalls: number; release(): void };
}

const obj = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });

const relistCases: Array<{ name: string; before: KubeObject[]; after: KubeObject[]; want: Seen }> = [
  { name: 'deleted while away', before: [obj('a', '1'), obj('b', '2')], after: [obj('a', '1')], want: [['delete', 'b']] },
  { name: 'added while away', before: [obj('a', '1')], after: [obj('a', '1'), obj('c', '5')], want: [['add', 'c']] },
  { name: 'updated while away', before: [obj('a', '1')], after: [obj('a', '7')], want: [['update', 'a']] },
  { name: 'unchanged: nothing', before: [obj('a', '1')], after: [obj('a', '1')], want: [] },
  { name: 'all at once', before: [obj('a', '1'), obj('b', '2')], after: [obj('b', '3'), obj('d', '4')], want: [['update', 'b'], ['add', 'd'], ['delete', 'a']] },
];

for (const tc of relistCases) {
  test(`informer: 410 Gone relists and delivers the difference: ${tc.name}`, async (t) => {
    const fake = fakeClient([tc.before, tc.after]);
    const factory = createInformerFactory(fake);
    t.teardown(() => factory.stop());
    const inf = factory.informerFor(configMaps);
    factory.start();
    await factory.waitForSync();
    const seen: Seen = [];
    inf.addEventHandler({
      add: (o) => fake.listCalls > 1 && seen.push(['add', o.metadata!.name!]),
      update: (_o, n) => seen.push(['update', n.metadata!.name!]),
      delete: (o) => seen.push(['delete', o.metadata!.name!]),
    });
    fake.release();
    await eventually(() => fake.listCalls === 2, 3000, 'the relist');
    await new Promise((r) => setImmediate(r));
    t.deepEqual(seen, tc.want);
    t.deepEqual(inf.lister.list().map((o) => o.metadata?.name).sort(), tc.after.map((o) => o.metadata!.name!).sort());
    t.is(inf.lists, 2);
  });
}

test('informer: waitForSync rejects when stopped before syncing', async (t) => {
  const never: Client = { ...fakeClient([[]]), list: () => new Promise(() => {}) } as unknown as Client;
  const factory = createInformerFactory(never);
  factory.informer(configMaps);
  factory.start();
  const waiting = factory.waitForSync();
  factory.stop();
  await t.throwsAsync(waiting, { message: /stopped before it synced/ });
});

test('informer: a transform that drops managedFields (dropsManagedFields) asks the watch to leave them out; any other does not', async (t) => {
  const asked: Array<boolean | undefined> = [];
  const base = ts.client();
  const c: Client = { ...base, watch: (r, ns, o, cb) => (asked.push(o.omitManagedFields), base.watch(r, ns, o, cb)) };
  const ns = 'inf-omit';
  await base.create(namespaces, '', { metadata: { name: ns } });
  const transforms = [stripManagedFields, dropsManagedFields((o: KubeObject) => stripManagedFields({ ...o })), (o: KubeObject) => o];
  for (const [i, transform] of transforms.entries()) {
    const factory = createInformerFactory(c, { transform });
    t.teardown(() => factory.stop());
    const inf = factory.informer(configMaps);
    factory.start();
    await factory.waitForSync();
    const name = `cm-${i}`;
    await base.create(configMaps, ns, { metadata: { name }, data: { a: '1' } });
    await eventually(() => inf.lister.get(ns, name) !== undefined, 5000, name);
    const dropping = i < 2;
    t.is(inf.lister.get(ns, name)?.metadata?.managedFields === undefined, dropping, `${name}: managedFields dropped only by a dropping transform`);
    factory.stop();
  }
  t.deepEqual(asked, [true, true, false]);
});
