import test from 'ava';
import type { GroupResource } from '../../api/meta/errors.ts';
import type { KubeObject } from '../../api/types.ts';
import { openSqliteBackend } from './sqlite/index.ts';
import { Cacher, type CacheWatcher } from './cacher.ts';
import { keyFor, ObjectStore, type Predicate, type WatchEvent } from './object-store.ts';

const PODS: GroupResource = { group: '', resource: 'pods' };
const nodeOf = (o: KubeObject) => ((o.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
const key = (name: string) => keyFor(PODS, 'default', name);
const pod = (name: string, nodeName?: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: nodeName ? { nodeName } : {},
});

async function open() {
  const backend = openSqliteBackend({ path: ':memory:' });
  const store = new ObjectStore(PODS, backend);
  const cacher = new Cacher({ resource: PODS, backend, store, kind: 'Pod', apiVersion: 'v1', indexers: { 'spec.nodeName': nodeOf } });
  return {
    store,
    cacher,
    async close() {
      cacher.close();
      await backend.close();
    },
  };
}

/** spec.nodeName=node as a field selector's predicate gives it, counting the objects it is asked about. */
function onNode(node: string): Predicate & { calls: number } {
  const p = Object.assign((o: KubeObject) => (p.calls++, nodeOf(o) === node), { calls: 0, fieldEquals: { 'spec.nodeName': node } });
  return p;
}

async function next(w: CacheWatcher): Promise<string> {
  const r = await Promise.race([w.next(), new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 2000).unref())]);
  if (r === 'timeout' || r.done) throw new Error(`no event (${r === 'timeout' ? r : w.closeReason})`);
  const e: WatchEvent = r.value;
  return `${e.type} ${e.object.metadata?.name} ${nodeOf(e.object)}`;
}

const bind = (c: Awaited<ReturnType<typeof open>>, name: string, nodeName: string) =>
  c.store.guaranteedUpdate(key(name), (cur) => ({ ...cur!, spec: { nodeName } }));

test('a list pinned to spec.nodeName reads only the pods on that node, the same answer as a scan', async (t) => {
  const c = await open();
  for (let i = 0; i < 30; i++) await c.store.create(key(`other-${i}`), pod(`other-${i}`, 'n2'));
  await c.store.create(key('b'), pod('b', 'n1'));
  await c.cacher.start(); // the list that fills the cache fills the index
  await c.store.create(key('a'), pod('a', 'n1'));
  await c.store.create(key('pending'), pod('pending'));
  await bind(c, 'pending', 'n1');
  await c.store.create(key('c'), pod('c', 'n1'));
  await c.store.delete(key('c'));
  const p = onNode('n1');
  const list = await c.cacher.list({ resourceVersion: '0', predicate: p });
  t.deepEqual(list.items.map((o) => o.metadata?.name), ['a', 'b', 'pending']);
  t.is(p.calls, 3, 'only the three pods on n1 were tested');
  const scan = await c.cacher.list({ resourceVersion: '0', predicate: (o) => nodeOf(o) === 'n1' });
  t.deepEqual(list.raw, scan.raw);
  const unbound = await c.cacher.list({ resourceVersion: '0', predicate: onNode('') });
  t.deepEqual(unbound.items, [], 'spec.nodeName= (not bound) is a value like any other');
  // A page continues through the store past the last key sent.
  const page = await c.cacher.list({ resourceVersion: '0', predicate: onNode('n1'), limit: 2 });
  t.deepEqual(page.items.map((o) => o.metadata?.name), ['a', 'b']);
  const rest = await c.store.list(c.cacher.prefix, { continue: page.continue, predicate: onNode('n1'), limit: 2 });
  t.deepEqual(rest.items.map((o) => o.metadata?.name), ['pending']);
  await c.close();
});

test('a watch pinned to spec.nodeName gets its node\'s pods, binding and leaving included, and is never asked about others', async (t) => {
  const c = await open();
  await c.cacher.start();
  await c.store.create(key('a'), pod('a', 'n1'));
  await c.store.create(key('x'), pod('x', 'n2'));
  const p = onNode('n1');
  const w = await c.cacher.watch({ resourceVersion: '0', predicate: p });
  t.is(await next(w), 'ADDED a n1');
  await c.store.create(key('y'), pod('y', 'n2'));
  await c.store.create(key('b'), pod('b'));
  await bind(c, 'b', 'n1');
  t.is(await next(w), 'ADDED b n1', 'binding to the node is an ADDED');
  await bind(c, 'b', 'n2');
  t.is(await next(w), 'DELETED b n1', 'leaving the node is a DELETED with the state it had');
  await c.store.delete(key('a'));
  t.is(await next(w), 'DELETED a n1');
  // Each event on n1 asks the filter about the object now and before; pods on n2 never.
  const asked = p.calls;
  await c.store.create(key('z'), pod('z', 'n2'));
  await bind(c, 'y', 'n3');
  await c.cacher.list({});
  t.is(p.calls, asked);
  t.is(w.pending, 0);
  w.stop();
  await c.close();
});
