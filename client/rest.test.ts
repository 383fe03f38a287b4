import test from 'ava';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { KubeObject } from '../api/types.ts';
import { ApiError, isAlreadyExists, isConflict, isNotFound } from './errors.ts';
import { createLoopbackClient } from './rest.ts';
import { configMaps, namespaces, startTestServer, type TestServer } from '../testing/test-server.ts';
import type { PatchType, WatchEvent } from './types.ts';

let ts: TestServer;
test.before(async () => {
  ts = await startTestServer();
});
test.after.always(async () => {
  await ts?.close();
});

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

test('create, get, list, update, patch (every type), delete a ConfigMap', async (t) => {
  const c = ts.client();
  const ns = 'default';
  const made = await c.create(configMaps, ns, cm('crud', { a: '1' }, { app: 'x' }));
  t.is(made.metadata?.name, 'crud');
  t.truthy(made.metadata?.resourceVersion);

  const got = await c.get(configMaps, ns, 'crud');
  t.deepEqual(got.data, { a: '1' });

  const list = await c.list(configMaps, ns, { labelSelector: 'app=x' });
  t.deepEqual(list.items.map((o) => o.metadata?.name), ['crud']);
  t.truthy(list.metadata.resourceVersion);

  const updated = await c.update(configMaps, ns, { ...got, data: { a: '2' } });
  t.deepEqual(updated.data, { a: '2' });

  const patches: Array<[string, PatchType, unknown, Record<string, string>]> = [
    ['merge', 'merge', { data: { b: '3' } }, { a: '2', b: '3' }],
    ['json', 'json', [{ op: 'replace', path: '/data/a', value: '4' }], { a: '4', b: '3' }],
    ['strategic', 'strategic', { data: { c: '5' } }, { a: '4', b: '3', c: '5' }],
  ];
  for (const [label, type, body, want] of patches) {
    const p = await c.patch(configMaps, ns, 'crud', type, body);
    t.deepEqual(p.data, want, label);
  }
  const applied = await c.patch(configMaps, ns, 'applied', 'apply', cm('applied', { k: 'v' }), { fieldManager: 'client-test' });
  t.deepEqual(applied.data, { k: 'v' });
  await t.throwsAsync(c.patch(configMaps, ns, 'applied', 'apply', cm('applied')), { instanceOf: TypeError });

  await c.delete(configMaps, ns, 'crud');
  const e = await t.throwsAsync(c.get(configMaps, ns, 'crud'));
  t.true(e instanceof ApiError);
  t.true(isNotFound(e));
});

test('omitManagedFields: the answer of a write is decoded without managedFields; the server keeps them, also through a PUT that leaves them out', async (t) => {
  const c = ts.client();
  // Its own namespace: the watch test below reads the first ConfigMap event in default.
  const ns = 'omit-managed-fields';
  await c.create(namespaces, '', { metadata: { name: ns } });
  const made = await c.create(configMaps, ns, cm('omit', { a: '1' }), { fieldManager: 'one', omitManagedFields: true });
  t.is(made.metadata?.name, 'omit');
  t.truthy(made.metadata?.resourceVersion);
  t.false('managedFields' in (made.metadata ?? {}));
  const updated = await c.update(configMaps, ns, { ...made, data: { a: '2' } }, { fieldManager: 'two', omitManagedFields: true });
  t.deepEqual([updated.data, 'managedFields' in (updated.metadata ?? {})], [{ a: '2' }, false]);
  const patched = await c.patch<KubeObject & { data?: Record<string, string> }>(configMaps, ns, 'omit', 'merge', { data: { b: '3' } }, { fieldManager: 'three', omitManagedFields: true });
  t.deepEqual([patched.data, 'managedFields' in (patched.metadata ?? {})], [{ a: '2', b: '3' }, false]);
  const got = await c.get(configMaps, ns, 'omit');
  t.deepEqual(got.metadata?.managedFields?.map((f) => (f as { manager?: string }).manager).sort(), ['one', 'three', 'two']);
});

test('errors carry the Status: AlreadyExists, Conflict, NotFound', async (t) => {
  const c = ts.client();
  const first = await c.create(configMaps, 'default', cm('errs'));
  const cases: Array<[string, () => Promise<unknown>, (e: unknown) => boolean, number]> = [
    ['already exists', () => c.create(configMaps, 'default', cm('errs')), isAlreadyExists, 409],
    ['conflict', () => c.update(configMaps, 'default', { ...first, metadata: { ...first.metadata, resourceVersion: '1' } }), isConflict, 409],
    ['not found', () => c.delete(configMaps, 'default', 'nope'), isNotFound, 404],
  ];
  for (const [name, call, is, code] of cases) {
    const e = await t.throwsAsync(call(), undefined, name);
    t.true(is(e), name);
    t.is((e as ApiError).code, code, name);
    t.truthy((e as ApiError).status?.kind, name);
  }
});

test('paged list with limit and continue', async (t) => {
  const c = ts.client();
  const ns = 'paging';
  await c.create({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false }, '', { metadata: { name: ns } });
  for (let i = 0; i < 7; i++) await c.create(configMaps, ns, cm(`p${i}`));
  const names: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const page = await c.list(configMaps, ns, { limit: 3, continue: cont });
    names.push(...page.items.map((o) => o.metadata!.name!));
    cont = page.metadata.continue || undefined;
    pages++;
  } while (cont);
  t.is(pages, 3);
  t.deepEqual(names.sort(), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
});

test('watch streams events, ends on timeoutSeconds, and stop() aborts', async (t) => {
  const c = ts.client();
  const ns = 'default';
  const start = await c.list(configMaps, ns);
  const seen: WatchEvent[] = [];
  const w = c.watch(configMaps, ns, { resourceVersion: start.metadata.resourceVersion, timeoutSeconds: 1 }, (e) => seen.push(e));
  const obj = await c.create(configMaps, ns, cm('watched'));
  await c.patch(configMaps, ns, 'watched', 'merge', { data: { x: 'y' } });
  await c.delete(configMaps, ns, 'watched');
  await w.done; // the server ends the stream after 1 s
  t.deepEqual(
    seen.filter((e) => e.object.metadata?.name === 'watched').map((e) => e.type),
    ['ADDED', 'MODIFIED', 'DELETED'],
  );
  t.is(seen.find((e) => e.object.metadata?.name === 'watched')?.object.metadata?.uid, obj.metadata?.uid);

  const w2 = c.watch(configMaps, ns, {}, () => {});
  setTimeout(() => w2.stop(), 50);
  await t.notThrowsAsync(w2.done);
});

test('a watch from a compacted or bogus resourceVersion surfaces an ERROR and rejects', async (t) => {
  const c = ts.client();
  const errors: WatchEvent[] = [];
  const w = c.watch(configMaps, 'default', { resourceVersion: '1' }, (e) => e.type === 'ERROR' && errors.push(e));
  const e = await t.throwsAsync(w.done);
  t.true(e instanceof ApiError);
  t.is((e as ApiError).code, 410);
  t.is(errors.length, 1);
});

test('loopback client and the client-side rate limiter', async (t) => {
  const lb = createLoopbackClient(ts.server.url, { ca: ts.config.ca!, cert: ts.config.cert, key: ts.config.key });
  t.teardown(() => lb.close());
  t.truthy((await lb.list(configMaps, 'default')).metadata.resourceVersion);

  const slow = ts.client({ qps: 20, burst: 2 });
  const began = Date.now();
  await Promise.all(Array.from({ length: 6 }, () => slow.get(configMaps, 'default', 'errs')));
  // two from the burst, then four at 20 qps: at least ~200 ms
  t.true(Date.now() - began >= 180, `took ${Date.now() - began} ms`);
});

test('no answer is code 0', async (t) => {
  const dead = ts.client({ server: 'https://127.0.0.1:1', timeoutMs: 2000 });
  const e = await t.throwsAsync(dead.list(configMaps, 'default'));
  t.is((e as ApiError).code, 0);
});

test('a server that never answers: the call fails after timeoutMs with code 0, and the next call gets a new connection', async (t) => {
  // Accepts TCP connections and says nothing (not even the TLS handshake).
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const c = ts.client({ server: `https://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 300 });
  t.teardown(() => c.close());
  for (const round of [1, 2]) {
    const e = await t.throwsAsync(c.get(configMaps, 'default', 'x'));
    t.is((e as ApiError).code, 0);
    t.regex((e as Error).message, /no answer within 300 ms/);
    t.is(sockets.length, round);
  }
});
