import test from 'ava';
import type { KubeObject, OwnerReference } from '../../../api/types.ts';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { gcKey, OwnerGraph } from './graph.ts';
import { newGarbageCollectorReconciler } from './reconcile.ts';

const rsRef = (name: string, uid: string, block = true): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: block });
const rs = (name: string, uid: string, extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({ metadata: { name, namespace: 'a', uid, ...extra } });
const pod = (name: string, refs: OwnerReference[], extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({ metadata: { name, namespace: 'a', ownerReferences: refs, ...extra } });
const DELETING = { deletionTimestamp: '2025-01-01T00:00:00Z' };

interface Case {
  name: string;
  replicaSets: KubeObject[];
  pods: KubeObject[];
  keys: string[];
  /** pod name -> owner uids it still has, or null when deleted */
  expectPods: Record<string, string[] | null>;
  /** rs name -> whether it still exists */
  expectReplicaSets?: Record<string, boolean>;
  /** hide owners from the cache (a lagging informer) */
  staleOwners?: boolean;
}

const cases: Case[] = [
  { name: 'dependent of a missing owner is deleted', replicaSets: [], pods: [pod('p', [rsRef('r', 'u1')])], keys: [gcKey(R.pods, 'a', 'p')], expectPods: { p: null } },
  { name: 'dependent of an owner with another uid is deleted', replicaSets: [rs('r', 'u2')], pods: [pod('p', [rsRef('r', 'u1')])], keys: [gcKey(R.pods, 'a', 'p')], expectPods: { p: null } },
  { name: 'dependent of a live owner stays', replicaSets: [rs('r', 'u1')], pods: [pod('p', [rsRef('r', 'u1')])], keys: [gcKey(R.pods, 'a', 'p')], expectPods: { p: ['u1'] } },
  { name: 'a missing owner among live ones is dropped from the references', replicaSets: [rs('r', 'u1')], pods: [pod('p', [rsRef('r', 'u1'), rsRef('gone', 'u9', false)])], keys: [gcKey(R.pods, 'a', 'p')], expectPods: { p: ['u1'] } },
  { name: 'an owner only missing from the cache is confirmed live and kept', replicaSets: [rs('r', 'u1')], pods: [pod('p', [rsRef('r', 'u1')])], keys: [gcKey(R.pods, 'a', 'p')], expectPods: { p: ['u1'] }, staleOwners: true },
  {
    name: 'orphan: dependents lose the reference, then the owner goes',
    replicaSets: [rs('r', 'u1', { ...DELETING, finalizers: ['orphan'] })],
    pods: [pod('p', [rsRef('r', 'u1')]), pod('q', [rsRef('r', 'u1')])],
    keys: [gcKey(R.replicaSets, 'a', 'r')],
    expectPods: { p: [], q: [] },
    expectReplicaSets: { r: false },
  },
  {
    name: 'foreground: dependents are deleted, then the owner goes',
    replicaSets: [rs('r', 'u1', { ...DELETING, finalizers: ['foregroundDeletion'] })],
    pods: [pod('p', [rsRef('r', 'u1')])],
    keys: [gcKey(R.replicaSets, 'a', 'r'), gcKey(R.replicaSets, 'a', 'r')],
    expectPods: { p: null },
    expectReplicaSets: { r: false },
  },
  {
    name: 'foreground: a blocking dependent still terminating holds the owner',
    replicaSets: [rs('r', 'u1', { ...DELETING, finalizers: ['foregroundDeletion'] })],
    pods: [pod('p', [rsRef('r', 'u1')], { finalizers: ['example.com/slow'] })],
    keys: [gcKey(R.replicaSets, 'a', 'r'), gcKey(R.replicaSets, 'a', 'r')],
    expectPods: { p: ['u1'] },
    expectReplicaSets: { r: true },
  },
  {
    name: 'foreground: a non-blocking dependent does not hold the owner',
    replicaSets: [rs('r', 'u1', { ...DELETING, finalizers: ['foregroundDeletion'] })],
    pods: [pod('p', [rsRef('r', 'u1', false)], { finalizers: ['example.com/slow'] })],
    keys: [gcKey(R.replicaSets, 'a', 'r')],
    expectPods: { p: ['u1'] },
    expectReplicaSets: { r: false },
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    for (const o of c.replicaSets) env.client.seed(R.replicaSets, o);
    for (const o of c.pods) env.client.seed(R.pods, o);
    const graph = new OwnerGraph(env.informers);
    if (c.staleOwners) for (const o of c.replicaSets) (graph.informer(R.replicaSets) as unknown as { cache: Map<string, unknown> }).cache.delete(`a/${o.metadata?.name}`);
    const reconcile = newGarbageCollectorReconciler({ ...env.ctx, graph });
    for (const k of c.keys) await reconcile(k);
    for (const [name, owners] of Object.entries(c.expectPods)) {
      const p = env.client.peek(R.pods, 'a', name);
      if (owners === null) t.is(p, undefined, `${name} deleted`);
      else t.deepEqual((p?.metadata?.ownerReferences ?? []).map((o) => o.uid), owners, `${name} owners`);
    }
    for (const [name, exists] of Object.entries(c.expectReplicaSets ?? {})) t.is(env.client.peek(R.replicaSets, 'a', name) !== undefined, exists, `${name} exists`);
  });
}

test('deletes go out with a uid precondition', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.pods, pod('p', [rsRef('r', 'u1')]));
  const graph = new OwnerGraph(env.informers);
  const uid = env.client.peek(R.pods, 'a', 'p')?.metadata?.uid;
  const seen: unknown[] = [];
  const del = env.client.delete.bind(env.client);
  env.client.delete = async (r, ns, name, opts) => {
    seen.push(opts?.preconditions?.uid);
    return del(r, ns, name, opts);
  };
  await newGarbageCollectorReconciler({ ...env.ctx, graph })(gcKey(R.pods, 'a', 'p'));
  t.deepEqual(seen, [uid]);
});
