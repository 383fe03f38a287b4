import test from 'ava';
import { StatusError, type GroupResource } from '../../api/meta/errors.ts';
import type { KubeObject } from '../../api/types.ts';
import { openSqliteBackend } from './sqlite/index.ts';
import {
  CONTINUE_EXPIRED_MESSAGE,
  ExpiredContinueError,
  keyFor,
  LIST_EXPIRED_MESSAGE,
  ObjectStore,
  prefixFor,
  storedObject,
  decodeObject,
  encodeObject,
  type WatchEvent,
} from './object-store.ts';
import { toStatusError } from './status-errors.ts';
import { StorageError } from './types.ts';

const CM: GroupResource = { group: '', resource: 'configmaps' };

function open(gr: GroupResource = CM) {
  const backend = openSqliteBackend({ path: ':memory:', progressIntervalMs: 50 });
  return { backend, store: new ObjectStore(gr, backend) };
}

function cm(name: string, data: Record<string, string> = {}, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra }, data };
}

async function statusOf(p: Promise<unknown>): Promise<StatusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(e)}`);
  return e;
}

const keyCases: [string, GroupResource, string | undefined, string, string, string][] = [
  ['core, namespaced', CM, 'ns1', 'a', '/registry/configmaps/ns1/a', '/registry/configmaps/ns1/'],
  ['core, cluster-scoped', { group: '', resource: 'nodes' }, undefined, 'n1', '/registry/nodes/n1', '/registry/nodes/'],
  ['group, namespaced', { group: 'apps', resource: 'deployments' }, 'ns', 'd', '/registry/apps/deployments/ns/d', '/registry/apps/deployments/ns/'],
  ['group, cluster-scoped', { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, '', 'r', '/registry/rbac.authorization.k8s.io/clusterroles/r', '/registry/rbac.authorization.k8s.io/clusterroles/'],
];
for (const [title, gr, ns, name, key, prefix] of keyCases) {
  test(`keyFor/prefixFor: ${title}`, (t) => {
    t.is(keyFor(gr, ns, name), key);
    t.is(prefixFor(gr, ns), prefix);
  });
}

test('create and get set resourceVersion from the revision; the stored value has none', async (t) => {
  const { backend, store } = open();
  const key = keyFor(CM, 'default', 'a');
  const created = await store.create(key, { ...cm('a', { x: '1' }), metadata: { ...cm('a').metadata, resourceVersion: '77' } });
  const rev = await backend.currentRevision();
  t.is(created.metadata?.resourceVersion, String(rev));
  t.deepEqual((await store.get(key)).data, { x: '1' });
  t.is((await store.get(key)).metadata?.resourceVersion, String(rev));
  const raw = JSON.parse((await backend.get(key))!.value) as KubeObject;
  t.false('resourceVersion' in (raw.metadata ?? {}));
  await backend.close();
});

test('errors carry upstream reason, code and message', async (t) => {
  const { backend, store } = open();
  const apps = new ObjectStore({ group: 'apps', resource: 'deployments' }, backend);
  const key = keyFor(CM, 'default', 'a');
  const stale = (await store.create(key, cm('a'))).metadata!.resourceVersion!;
  await store.guaranteedUpdate(key, (o) => ({ ...o!, data: { v: '1' } }));
  const cases: [string, () => Promise<unknown>, number, string, string][] = [
    ['create twice', () => store.create(key, cm('a')), 409, 'AlreadyExists', 'configmaps "a" already exists'],
    ['get missing', () => store.get(keyFor(CM, 'default', 'nope')), 404, 'NotFound', 'configmaps "nope" not found'],
    ['group in message', () => apps.get('/registry/apps/deployments/ns/web'), 404, 'NotFound', 'deployments.apps "web" not found'],
    ['delete missing', () => store.delete(keyFor(CM, 'default', 'nope')), 404, 'NotFound', 'configmaps "nope" not found'],
    ['update missing', () => store.guaranteedUpdate(keyFor(CM, 'default', 'nope'), (o) => o!), 404, 'NotFound', 'configmaps "nope" not found'],
    [
      'stale resourceVersion',
      () => store.guaranteedUpdate(key, (o) => ({ ...o!, metadata: { ...o!.metadata, resourceVersion: stale }, data: { y: '2' } })),
      409,
      'Conflict',
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    ],
    ['too large', () => store.create(keyFor(CM, 'default', 'big'), cm('big', { x: 'x'.repeat(2 * 1024 * 1024) })), 413, 'RequestEntityTooLarge', 'etcdserver: request is too large'],
  ];
  for (const [title, run, code, reason, message] of cases) {
    const e = await statusOf(run());
    t.is(e.code, code, title);
    t.is(e.reason as string, reason, title);
    t.is(e.message, message, title);
  }
  await backend.close();
});

test('StorageError codes map to Status at the boundary', (t) => {
  const sqlite = { name: 'sqlite' as const };
  const cases: [StorageError, { name: 'sqlite' | 'etcd' }, number, string, string][] = [
    [new StorageError('Unavailable', 'connection refused'), { name: 'etcd' }, 503, 'ServiceUnavailable', 'etcd is unavailable: connection refused'],
    [new StorageError('Timeout', 'deadline exceeded'), sqlite, 504, 'Timeout', 'sqlite store: request timed out: deadline exceeded'],
    [new StorageError('Compacted', 'x', undefined, { requested: 3, compacted: 9 }), sqlite, 410, 'Expired', 'too old resource version: 3 (9)'],
    [new StorageError('Conflict', 'x', '/registry/configmaps/ns/a'), sqlite, 409, 'Conflict', 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again'],
    [new StorageError('InvalidValue', 'value for k is not valid JSON'), sqlite, 500, 'InternalError', 'Internal error occurred: value for k is not valid JSON'],
    // etcd's own limit (its default --max-request-bytes is our value limit, leaving no room for the key and txn): 413 as upstream, not 500.
    [new StorageError('InvalidValue', 'creating /registry/configmaps/ns/a: etcd rejected the request as too large'), { name: 'etcd' }, 413, 'RequestEntityTooLarge', 'etcdserver: request is too large'],
  ];
  for (const [err, backend, code, reason, message] of cases) {
    const s = toStatusError(err, CM, '/registry/configmaps/ns/a', backend);
    t.deepEqual([s.code, s.reason, s.message], [code, reason, message], err.code);
  }
});

test('guaranteedUpdate: 20 concurrent increments all land', async (t) => {
  const { backend, store } = open();
  const key = keyFor(CM, 'default', 'counter');
  await store.create(key, cm('counter', { n: '0' }));
  let calls = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      store.guaranteedUpdate(key, async (cur) => {
        calls++;
        await new Promise((r) => setImmediate(r)); // let the others read the same revision
        const data = cur!.data as Record<string, string>;
        return { ...cur!, data: { n: String(Number(data.n) + 1) } };
      }),
    ),
  );
  t.is(((await store.get(key)).data as Record<string, string>).n, '20');
  t.true(calls > 20, `conflicts forced retries (${calls} calls)`);
  await backend.close();
});

test('guaranteedUpdate: unchanged object writes nothing; ignoreNotFound creates', async (t) => {
  const { backend, store } = open();
  const key = keyFor(CM, 'default', 'a');
  const created = await store.create(key, cm('a', { x: '1' }));
  const before = await backend.currentRevision();
  const same = await store.guaranteedUpdate(key, (cur) => cur!);
  t.is(await backend.currentRevision(), before);
  t.is(same.metadata?.resourceVersion, created.metadata?.resourceVersion);

  const other = keyFor(CM, 'default', 'b');
  let seen: KubeObject | undefined = cm('sentinel');
  const made = await store.guaranteedUpdate(other, (cur) => ((seen = cur), cm('b')), { ignoreNotFound: true });
  t.true(seen === undefined);
  t.is(made.metadata?.resourceVersion, String(await backend.currentRevision()));
  await backend.close();
});

test('preconditions on delete and update', async (t) => {
  const { backend, store } = open();
  const key = keyFor(CM, 'default', 'a');
  const created = await store.create(key, cm('a'));
  const rv = created.metadata!.resourceVersion!;
  const cases: [string, () => Promise<unknown>, string][] = [
    ['delete uid', () => store.delete(key, { preconditions: { uid: 'other' } }), 'Precondition failed: UID in precondition: other, UID in object meta: uid-a'],
    ['delete rv', () => store.delete(key, { preconditions: { resourceVersion: '999' } }), `Precondition failed: ResourceVersion in precondition: 999, ResourceVersion in object meta: ${rv}`],
    ['update uid', () => store.guaranteedUpdate(key, (o) => o!, { preconditions: { uid: 'x' } }), 'Precondition failed: UID in precondition: x, UID in object meta: uid-a'],
  ];
  for (const [title, run, why] of cases) {
    const e = await statusOf(run());
    t.is(e.code, 409, title);
    t.is(e.reason, 'Conflict', title);
    t.is(e.message, `Operation cannot be fulfilled on configmaps "a": ${why}`, title);
  }
  const deleted = await store.delete(key, { preconditions: { uid: 'uid-a', resourceVersion: rv } });
  t.is(deleted.metadata?.resourceVersion, String(await backend.currentRevision()));
  t.is((await statusOf(store.get(key))).code, 404);
  await backend.close();
});

async function fill(store: ObjectStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await store.create(keyFor(CM, 'default', `cm-${String(i).padStart(2, '0')}`), cm(`cm-${String(i).padStart(2, '0')}`, { i: String(i) }));
}

test('paging: continue tokens read one consistent revision', async (t) => {
  const { backend, store } = open();
  await fill(store, 10);
  const prefix = prefixFor(CM, 'default');
  const first = await store.list(prefix, { limit: 3 });
  t.is(first.items.length, 3);
  t.is(first.remainingItemCount, 7);
  t.truthy(first.continue);
  const token = JSON.parse(Buffer.from(first.continue!, 'base64url').toString()) as Record<string, unknown>;
  t.deepEqual(token, { v: 'meta.k8s.io/v1', rv: Number(first.resourceVersion), start: 'cm-02\u0000' });
  await store.create(keyFor(CM, 'default', 'cm-05a'), cm('cm-05a')); // after the snapshot: not in this list
  const names = first.items.map((o) => o.metadata!.name);
  let cont = first.continue;
  while (cont) {
    const page = await store.list(prefix, { limit: 3, continue: cont });
    t.is(page.resourceVersion, first.resourceVersion);
    names.push(...page.items.map((o) => o.metadata!.name));
    cont = page.continue;
  }
  t.deepEqual(names, Array.from({ length: 10 }, (_, i) => `cm-${String(i).padStart(2, '0')}`));
  await backend.close();
});

test('paging: malformed, foreign and compacted tokens', async (t) => {
  const { backend, store } = open();
  await fill(store, 5);
  const prefix = prefixFor(CM, 'default');
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const bad: [string, string, string][] = [
    ['not base64', '!!!', 'invalid continue token: continue key is not valid: illegal base64 data'],
    ['not json', enc('x').slice(2), 'invalid continue token: continue key is not valid'],
    ['wrong version', enc({ v: 'v9', rv: 3, start: 'a' }), 'invalid continue token: continue key is not valid: server does not recognize this encoded version'],
    ['rv 0', enc({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }), 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    ['empty start', enc({ v: 'meta.k8s.io/v1', rv: 3, start: '' }), 'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
    ['traversal', enc({ v: 'meta.k8s.io/v1', rv: 3, start: '../../secrets/x' }), 'invalid continue token: continue key is not valid'],
  ];
  for (const [title, token, message] of bad) {
    const e = await statusOf(store.list(prefix, { limit: 2, continue: token }));
    t.is(e.code, 400, title);
    t.is(e.reason, 'BadRequest', title);
    t.true(e.message.startsWith(message), `${title}: ${e.message}`);
  }
  const withRv = await statusOf(store.list(prefix, { continue: enc({ v: 'meta.k8s.io/v1', rv: 3, start: 'a' }), resourceVersion: '3' }));
  t.is(withRv.message, 'specifying resource version is not allowed when using continue');

  const first = await store.list(prefix, { limit: 2 });
  await store.guaranteedUpdate(keyFor(CM, 'default', 'cm-00'), (o) => ({ ...o!, data: { changed: 'yes' } }));
  await backend.compact(await backend.currentRevision());
  const e = await statusOf(store.list(prefix, { limit: 2, continue: first.continue }));
  t.true(e instanceof ExpiredContinueError);
  t.deepEqual([e.code, e.reason, e.message], [410, 'Expired', CONTINUE_EXPIRED_MESSAGE]);
  const next = e.toStatus().metadata.continue as string;
  const rest = await store.list(prefix, { limit: 10, continue: next });
  t.deepEqual(rest.items.map((o) => o.metadata!.name), ['cm-02', 'cm-03', 'cm-04']);
  t.is(rest.resourceVersion, String(await backend.currentRevision()));
  await backend.close();
});

test('list resourceVersion semantics: Exact, compacted, too large, predicate', async (t) => {
  const { backend, store } = open();
  await fill(store, 4);
  const prefix = prefixFor(CM, 'default');
  const old = (await store.list(prefix)).resourceVersion;
  await store.guaranteedUpdate(keyFor(CM, 'default', 'cm-01'), (o) => ({ ...o!, data: { i: 'new' } }));
  const exact = await store.list(prefix, { resourceVersion: old, resourceVersionMatch: 'Exact' });
  t.is(exact.resourceVersion, old);
  t.deepEqual(exact.items[1].data, { i: '1' });
  const cur = await backend.currentRevision();
  const tooLarge = await statusOf(store.list(prefix, { resourceVersion: String(cur + 5), resourceVersionMatch: 'NotOlderThan' }));
  t.deepEqual([tooLarge.code, tooLarge.message], [504, `Too large resource version: ${cur + 5}, current: ${cur}`]);
  t.is(tooLarge.details?.causes?.[0]?.reason, 'ResourceVersionTooLarge');
  const odd = await store.list(prefix, { limit: 1, predicate: (o) => Number((o.data as Record<string, string>).i) % 2 === 0 });
  t.deepEqual(odd.items.map((o) => o.metadata!.name), ['cm-00']);
  t.is(odd.remainingItemCount, undefined);
  const next = await store.list(prefix, { limit: 1, continue: odd.continue, predicate: (o) => Number((o.data as Record<string, string>).i) % 2 === 0 });
  t.deepEqual(next.items.map((o) => o.metadata!.name), ['cm-02']);
  await backend.compact(cur);
  const gone = await statusOf(store.list(prefix, { resourceVersion: old, resourceVersionMatch: 'Exact' }));
  t.deepEqual([gone.code, gone.reason, gone.message], [410, 'Expired', LIST_EXPIRED_MESSAGE]);
  const bad = await statusOf(store.list(prefix, { resourceVersion: 'abc' }));
  t.is(bad.code, 400);
  await backend.close();
});

function collect(store: ObjectStore, prefix: string, rv: string) {
  const events: WatchEvent[] = [];
  const errors: StatusError[] = [];
  const w = store.watch(prefix, rv, { onEvents: (e) => events.push(...e), onError: (e) => errors.push(e) });
  return { events, errors, w };
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

test('watch: from an exact revision, from 0, and 410 when compacted', async (t) => {
  const { backend, store } = open();
  const prefix = prefixFor(CM);
  const a = await store.create(keyFor(CM, 'default', 'a'), cm('a'));
  const b = await store.create(keyFor(CM, 'default', 'b'), cm('b'));
  const fromA = collect(store, prefix, a.metadata!.resourceVersion!);
  const fromZero = collect(store, prefix, '0');
  await settle();
  const bMod = await store.guaranteedUpdate(keyFor(CM, 'default', 'b'), (o) => ({ ...o!, data: { v: '2' } }));
  const aDel = await store.delete(keyFor(CM, 'default', 'a'));
  await settle();
  const view = (evs: WatchEvent[]) => evs.map((e) => `${e.type} ${e.object.metadata!.name} ${e.object.metadata!.resourceVersion}`);
  t.deepEqual(view(fromA.events), [
    `ADDED b ${b.metadata!.resourceVersion}`,
    `MODIFIED b ${bMod.metadata!.resourceVersion}`,
    `DELETED a ${aDel.metadata!.resourceVersion}`,
  ]);
  t.deepEqual(view(fromZero.events), [
    `ADDED a ${a.metadata!.resourceVersion}`,
    `ADDED b ${b.metadata!.resourceVersion}`,
    `MODIFIED b ${bMod.metadata!.resourceVersion}`,
    `DELETED a ${aDel.metadata!.resourceVersion}`,
  ]);
  t.deepEqual(fromA.events[2].object.metadata!.uid, 'uid-a', 'DELETED carries the last state');
  fromA.w.close();
  fromZero.w.close();
  await backend.compact(await backend.currentRevision());
  const old = collect(store, prefix, a.metadata!.resourceVersion!);
  await settle();
  t.is(old.errors.length, 1);
  t.deepEqual([old.errors[0].code, old.errors[0].reason], [410, 'Expired']);
  t.regex(old.errors[0].message, /^too old resource version: \d+ \(\d+\)$/);
  await backend.close();
});

test('a write returns what a read of the stored value gives, without parsing it again', async (t) => {
  const obj = { ...cm('a', { k: 'v' }, { resourceVersion: '7', labels: { x: 'y' } }), skipped: undefined, list: [1, { n: null }] } as KubeObject;
  const read = decodeObject(encodeObject(obj), 42);
  t.deepEqual(storedObject(obj, 42), read);
  t.is(JSON.stringify(storedObject(obj, 42)), JSON.stringify(read));
  const { store } = open();
  const created = await store.create(keyFor(CM, 'default', 'b'), cm('b', { k: 'v' }));
  t.is(JSON.stringify(created), JSON.stringify(await store.get(keyFor(CM, 'default', 'b'))));
  const updated = await store.guaranteedUpdate(keyFor(CM, 'default', 'b'), (cur) => ({ ...cur!, data: { k: 'w' } }));
  t.is(JSON.stringify(updated), JSON.stringify(await store.get(keyFor(CM, 'default', 'b'))));
});
