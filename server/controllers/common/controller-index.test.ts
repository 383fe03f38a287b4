import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { IndexedCache } from '../../../client/cache.ts';
import { claimCandidates, controlledBy, controllerUidOf, CONTROLLER_UID_INDEX } from './controller-index.ts';

const owner = (uid: string, namespace = 'a'): KubeObject => ({ metadata: { name: `rs-${uid}`, namespace, uid } });
const pod = (name: string, namespace: string, ownerUid?: string, controller = true): KubeObject => ({
  metadata: {
    name,
    namespace,
    ...(ownerUid ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${ownerUid}`, uid: ownerUid, controller }] } : {}),
  },
});
const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`).sort();

function cache(objs: KubeObject[]): IndexedCache<KubeObject> {
  const c = new IndexedCache<KubeObject>();
  c.addIndex(CONTROLLER_UID_INDEX, controllerUidOf);
  for (const o of objs) c.upsert(o);
  return c;
}

test('controller index: an owner finds what it controls plus the orphans of its namespace, nothing else', (t) => {
  const c = cache([
    pod('mine-1', 'a', 'A'),
    pod('mine-2', 'a', 'A'),
    pod('theirs', 'a', 'B'),
    pod('orphan', 'a'),
    pod('not-controller', 'a', 'A', false),
    pod('orphan-elsewhere', 'b'),
    pod('mine-elsewhere', 'b', 'A'),
  ]);
  const lister = c.lister();
  t.deepEqual(names(controlledBy(lister, owner('A'))), ['a/mine-1', 'a/mine-2']);
  // A reference that is not the controller's does not make an object owned: it may be adopted.
  t.deepEqual(names(claimCandidates(lister, owner('A'))), ['a/mine-1', 'a/mine-2', 'a/not-controller', 'a/orphan']);
  t.deepEqual(names(claimCandidates(lister, owner('C', 'b'))), ['b/orphan-elsewhere']);
  t.deepEqual(controlledBy(lister, { metadata: { name: 'no-uid', namespace: 'a' } }), []);
});

test('controller index: adoption, release and deletion move an object between keys', (t) => {
  const c = cache([pod('p', 'a')]);
  const lister = c.lister();
  const a = owner('A');
  t.deepEqual(names(controlledBy(lister, a)), []);
  c.upsert(pod('p', 'a', 'A'));
  t.deepEqual(names(controlledBy(lister, a)), ['a/p']);
  t.deepEqual(names(claimCandidates(lister, owner('B'))), []);
  // An update that keeps the controller keeps the object where it is.
  c.upsert({ ...pod('p', 'a', 'A'), status: { phase: 'Running' } } as KubeObject);
  t.deepEqual(names(controlledBy(lister, a)), ['a/p']);
  c.upsert(pod('p', 'a'));
  t.deepEqual(names(controlledBy(lister, a)), []);
  t.deepEqual(names(claimCandidates(lister, owner('B'))), ['a/p']);
  c.remove('a/p');
  t.deepEqual(names(claimCandidates(lister, owner('B'))), []);
});
