import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { R } from '../common/resources.ts';
import type { Pod } from '../common/pods.ts';
import { PDBS } from '../node-lifecycle/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { expectedCounts, scaledValue, type PodDisruptionBudget } from './budget.ts';
import { newDisruptionReconciler } from './reconcile.ts';

const LABELS = { app: 'web' };
const owner = (kind: string, name: string, uid: string, apiVersion = 'apps/v1') => [{ apiVersion, kind, name, uid, controller: true }];
const pod = (name: string, o: { ready?: boolean; owner?: ReturnType<typeof owner>; deleting?: boolean; labels?: Record<string, string> } = {}): Pod => ({
  metadata: { name, namespace: 'a', labels: o.labels ?? LABELS, ...(o.owner ? { ownerReferences: o.owner } : {}), ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['x'] } : {}) },
  spec: { nodeName: 'n' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const pdb = (spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget => ({
  metadata: { name: 'b', namespace: 'a', generation: 4 },
  spec: { selector: { matchLabels: LABELS }, ...spec },
  ...(status ? { status } : {}),
});
const rsOwner = owner('ReplicaSet', 'web-1', 'rs-uid');
const workloads: [typeof R.replicaSets, KubeObject][] = [
  [R.deployments, { metadata: { name: 'web', namespace: 'a', uid: 'd-uid' }, spec: { replicas: 5 } }],
  [R.replicaSets, { metadata: { name: 'web-1', namespace: 'a', uid: 'rs-uid', ownerReferences: owner('Deployment', 'web', 'd-uid') }, spec: { replicas: 3 } }],
  [R.statefulSets, { metadata: { name: 'db', namespace: 'a', uid: 'sts-uid' }, spec: { replicas: 2 } }],
];

interface Case {
  name: string;
  pdb: PodDisruptionBudget;
  pods: Pod[];
  expect: Record<string, unknown>;
  reason: string;
}

const cases: Case[] = [
  { name: 'minAvailable int over ready pods', pdb: pdb({ minAvailable: 2 }), pods: [pod('a'), pod('b'), pod('c', { ready: false })], expect: { expectedPods: 3, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, observedGeneration: 4 }, reason: 'InsufficientPods' },
  { name: 'minAvailable int with room', pdb: pdb({ minAvailable: 1 }), pods: [pod('a'), pod('b'), pod('x', { labels: { app: 'other' } })], expect: { expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 }, reason: 'SufficientPods' },
  { name: 'maxUnavailable takes the Deployment scale, not the ReplicaSet one', pdb: pdb({ maxUnavailable: 1 }), pods: [pod('a', { owner: rsOwner }), pod('b', { owner: rsOwner }), pod('c', { owner: rsOwner })], expect: { expectedPods: 5, desiredHealthy: 4, currentHealthy: 3, disruptionsAllowed: 0 }, reason: 'InsufficientPods' },
  { name: 'minAvailable percentage of the StatefulSet scale, rounded up', pdb: pdb({ minAvailable: '50%' }), pods: [pod('db-0', { owner: owner('StatefulSet', 'db', 'sts-uid') }), pod('db-1', { owner: owner('StatefulSet', 'db', 'sts-uid') })], expect: { expectedPods: 2, desiredHealthy: 1, disruptionsAllowed: 1 }, reason: 'SufficientPods' },
  { name: 'maxUnavailable percentage', pdb: pdb({ maxUnavailable: '40%' }), pods: [pod('db-0', { owner: owner('StatefulSet', 'db', 'sts-uid') }), pod('db-1', { owner: owner('StatefulSet', 'db', 'sts-uid') })], expect: { expectedPods: 2, desiredHealthy: 1, currentHealthy: 2, disruptionsAllowed: 1 }, reason: 'SufficientPods' },
  { name: 'pods being deleted are not healthy', pdb: pdb({ minAvailable: 1 }), pods: [pod('a'), pod('b', { deleting: true })], expect: { currentHealthy: 1, disruptionsAllowed: 0 }, reason: 'InsufficientPods' },
  { name: 'no pods: nothing allowed', pdb: pdb({ maxUnavailable: 1 }), pods: [], expect: { expectedPods: 0, disruptionsAllowed: 0 }, reason: 'InsufficientPods' },
  { name: 'a pod without a controller fails safe for maxUnavailable', pdb: pdb({ maxUnavailable: 1 }), pods: [pod('bare')], expect: { disruptionsAllowed: 0 }, reason: 'SyncFailed' },
  {
    name: 'a fresh eviction holds its pod out of the healthy count; a stale one is dropped',
    pdb: pdb({ minAvailable: 1 }, { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptedPods: { a: '2024-12-31T23:59:30Z', b: '2024-12-31T23:50:00Z', gone: '2024-12-31T23:59:30Z' } }),
    pods: [pod('a'), pod('b'), pod('c')],
    expect: { currentHealthy: 2, disruptionsAllowed: 1, disruptedPods: { a: '2024-12-31T23:59:30Z' } },
    reason: 'SufficientPods',
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    for (const [r, o] of workloads) env.client.seed(r, o);
    for (const p of c.pods) env.client.seed(R.pods, p);
    env.client.seed(PDBS, c.pdb);
    await newDisruptionReconciler(env.ctx)('a/b');
    const got = env.client.peek<PodDisruptionBudget>(PDBS, 'a', 'b')?.status;
    t.like(got, c.expect);
    t.like(got?.conditions?.[0], { type: 'DisruptionAllowed', reason: c.reason });
  });
}

test('the eviction record is requeued for when it expires, and a second pass writes nothing', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.pods, pod('a'));
  env.client.seed(PDBS, pdb({ minAvailable: 0 }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptedPods: { a: '2024-12-31T23:59:30Z' } }));
  const reconcile = newDisruptionReconciler(env.ctx);
  t.is((await reconcile('a/b')).requeueAfterMs, 90_000);
  const n = env.client.calls.length;
  await reconcile('a/b');
  t.is(env.client.calls.length, n);
});

const scaled: [number | string, number, number | undefined][] = [[3, 10, 3], ['25%', 10, 3], ['0%', 7, 0], ['100%', 7, 7], ['x%', 1, undefined]];
for (const [v, total, want] of scaled) test(`scaledValue(${JSON.stringify(v)}, ${total})`, (t) => t.is(scaledValue(v, total), want));

test('expectedCounts: maxUnavailable larger than the scale keeps desiredHealthy at 0', (t) => {
  t.deepEqual(expectedCounts({ maxUnavailable: 5 }, 2, 2), { expectedPods: 2, desiredHealthy: 0 });
});
