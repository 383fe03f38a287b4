import test from 'ava';
import { R } from '../common/resources.ts';
import type { Pod } from '../common/pods.ts';
import { PVCS } from '../node-lifecycle/resources.ts';
import { fakeEnv, type FakeEnv } from '../../../testing/controllers/env.ts';
import { POD_INDEX_LABEL, POD_NAME_LABEL, type StatefulSet } from './identity.ts';
import { newStatefulSetReconciler } from './reconcile.ts';
import { templateHash, type ControllerRevision } from './revisions.ts';

const LABELS = { app: 'db' };
const sts = (o: { replicas?: number; policy?: 'Parallel'; image?: string; partition?: number; onDelete?: boolean; claims?: boolean; whenScaled?: 'Delete' } = {}): StatefulSet => ({
  metadata: { name: 'db', namespace: 'a', uid: 'sts-uid', generation: 2 },
  spec: {
    replicas: o.replicas ?? 3,
    serviceName: 'db-svc',
    selector: { matchLabels: LABELS },
    ...(o.policy ? { podManagementPolicy: o.policy } : {}),
    updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', ...(o.partition !== undefined ? { rollingUpdate: { partition: o.partition } } : {}) },
    template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'c', image: o.image ?? 'db:1' }] } },
    ...(o.claims ? { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] } : {}),
    ...(o.whenScaled ? { persistentVolumeClaimRetentionPolicy: { whenScaled: o.whenScaled, whenDeleted: 'Retain' } } : {}),
  },
});

const podNames = (env: FakeEnv) => env.client.all<Pod>(R.pods, 'a').map((p) => p.metadata?.name).sort();

/** Makes every pod Running and Ready, as a kubelet would. */
function runAll(env: FakeEnv): void {
  for (const p of env.client.all<Pod>(R.pods, 'a')) {
    if (p.status?.phase === 'Running') continue;
    env.client.seed(R.pods, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] } });
  }
}

/** Reconciles, lets pods become ready, `rounds` times. */
async function converge(env: FakeEnv, reconcile: (k: string) => Promise<unknown>, rounds = 12): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await reconcile('a/db');
    runAll(env);
  }
}

interface Case {
  name: string;
  set: StatefulSet;
  /** Pod names after each reconcile, without making pods ready in between. */
  steps: string[][];
}

const cases: Case[] = [
  { name: 'OrderedReady creates one pod and waits for it to be ready', set: sts(), steps: [['db-0'], ['db-0']] },
  { name: 'Parallel creates them all at once', set: sts({ policy: 'Parallel' }), steps: [['db-0', 'db-1', 'db-2']] },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    env.client.seed(R.statefulSets, c.set);
    const reconcile = newStatefulSetReconciler(env.ctx);
    for (const want of c.steps) {
      await reconcile('a/db');
      t.deepEqual(podNames(env), want);
    }
  });
}

test('pods carry their identity: labels, hostname, subdomain, claims, owner', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts({ claims: true, replicas: 1 }));
  await newStatefulSetReconciler(env.ctx)('a/db');
  const p = env.client.peek<Pod>(R.pods, 'a', 'db-0')!;
  const [rev] = env.client.all<ControllerRevision>(R.controllerRevisions, 'a');
  t.like(p.metadata?.labels, { app: 'db', [POD_NAME_LABEL]: 'db-0', [POD_INDEX_LABEL]: '0', 'controller-revision-hash': rev.metadata?.name });
  t.like(p.spec, { hostname: 'db-0', subdomain: 'db-svc' });
  t.deepEqual(p.spec?.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }]);
  t.like(p.metadata?.ownerReferences?.[0], { kind: 'StatefulSet', uid: 'sts-uid', controller: true });
  t.like(env.client.peek(PVCS, 'a', 'data-db-0'), { metadata: { labels: LABELS }, spec: { resources: { requests: { storage: '1Gi' } } } });
  t.is(rev.metadata?.name, `db-${templateHash(sts().spec?.template)}`);
  t.is(rev.revision, 1);
});

test('OrderedReady reaches all replicas as pods become ready, and reports status', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts());
  const reconcile = newStatefulSetReconciler(env.ctx);
  await converge(env, reconcile);
  t.deepEqual(podNames(env), ['db-0', 'db-1', 'db-2']);
  const s = env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status;
  t.like(s, { replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 2, collisionCount: 0 });
  t.is(s?.currentRevision, s?.updateRevision);
});

test('scale down removes the highest ordinal first, one at a time; whenScaled=Delete hands the claim to the pod', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts({ claims: true, whenScaled: 'Delete' }));
  const reconcile = newStatefulSetReconciler(env.ctx);
  await converge(env, reconcile);
  env.client.seed(R.statefulSets, sts({ replicas: 1, claims: true, whenScaled: 'Delete' }));
  await reconcile('a/db');
  t.deepEqual(podNames(env), ['db-0', 'db-1']);
  t.is(env.client.peek(PVCS, 'a', 'data-db-2')?.metadata?.ownerReferences?.[0]?.kind, 'Pod');
  t.is(env.client.peek(PVCS, 'a', 'data-db-0')?.metadata?.ownerReferences, undefined);
  await reconcile('a/db');
  t.deepEqual(podNames(env), ['db-0']);
});

test('RollingUpdate with a partition replaces ordinals >= partition from the top, one at a time', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts());
  const reconcile = newStatefulSetReconciler(env.ctx);
  await converge(env, reconcile);
  const oldRev = env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status?.currentRevision;
  env.client.seed(R.statefulSets, { ...sts({ image: 'db:2', partition: 1 }), status: env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status });
  await reconcile('a/db');
  t.deepEqual(podNames(env), ['db-0', 'db-1'], 'db-2 deleted first');
  await reconcile('a/db');
  const newRev = env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status?.updateRevision;
  t.is(env.client.peek<Pod>(R.pods, 'a', 'db-2')?.metadata?.labels?.['controller-revision-hash'], newRev);
  await reconcile('a/db');
  t.deepEqual(podNames(env), ['db-0', 'db-1', 'db-2'], 'waits for db-2 to be ready before touching db-1');
  await converge(env, reconcile);
  const revs = Object.fromEntries(env.client.all<Pod>(R.pods, 'a').map((p) => [p.metadata?.name, p.metadata?.labels?.['controller-revision-hash']]));
  t.deepEqual(revs, { 'db-0': oldRev, 'db-1': newRev, 'db-2': newRev });
  t.like(env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status, { currentRevision: oldRev, updateRevision: newRev, currentReplicas: 1, updatedReplicas: 2 });
  t.is(env.client.all(R.controllerRevisions, 'a').length, 2);
});

test('RollingUpdate without a partition completes: currentRevision becomes the update revision', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts({ replicas: 2 }));
  const reconcile = newStatefulSetReconciler(env.ctx);
  await converge(env, reconcile);
  env.client.seed(R.statefulSets, { ...sts({ replicas: 2, image: 'db:2' }), status: env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status });
  await converge(env, reconcile);
  const s = env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status;
  t.like(s, { currentReplicas: 2, updatedReplicas: 2 });
  t.is(s?.currentRevision, s?.updateRevision);
  t.true(env.client.all<Pod>(R.pods, 'a').every((p) => (p.spec?.containers as { image: string }[])[0].image === 'db:2'));
});

test('OnDelete leaves old pods until someone deletes them', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts({ replicas: 2, onDelete: true }));
  const reconcile = newStatefulSetReconciler(env.ctx);
  await converge(env, reconcile);
  env.client.seed(R.statefulSets, { ...sts({ replicas: 2, onDelete: true, image: 'db:2' }), status: env.client.peek<StatefulSet>(R.statefulSets, 'a', 'db')?.status });
  await converge(env, reconcile);
  t.is(env.client.writes('delete', 'pods').length, 0);
  await env.client.delete(R.pods, 'a', 'db-1');
  await converge(env, reconcile);
  const images = env.client.all<Pod>(R.pods, 'a').map((p) => (p.spec?.containers as { image: string }[])[0].image);
  t.deepEqual(images, ['db:1', 'db:2']);
});

test('a failed pod is deleted and recreated', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts({ replicas: 1 }));
  const reconcile = newStatefulSetReconciler(env.ctx);
  await converge(env, reconcile, 2);
  const before = env.client.peek<Pod>(R.pods, 'a', 'db-0')!;
  env.client.seed(R.pods, { ...before, status: { phase: 'Failed' } });
  await reconcile('a/db');
  t.is(env.client.peek(R.pods, 'a', 'db-0'), undefined);
  await reconcile('a/db');
  t.not(env.client.peek<Pod>(R.pods, 'a', 'db-0')?.metadata?.uid, before.metadata?.uid);
});

test('an unchanged set writes nothing on a second pass', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts({ replicas: 2 }));
  const reconcile = newStatefulSetReconciler(env.ctx);
  await converge(env, reconcile);
  const n = env.client.calls.length;
  await reconcile('a/db');
  t.is(env.client.calls.length, n);
});

test('records upstream events for the claims and pods it creates', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.statefulSets, sts({ claims: true, replicas: 1 }));
  await newStatefulSetReconciler(env.ctx)('a/db');
  const created = env.recorder.withReason('SuccessfulCreate');
  t.like(created[0], { component: 'statefulset-controller', kind: 'StatefulSet', name: 'db', type: 'Normal', message: 'create Claim data-db-0 for Pod db-0 in StatefulSet db success' });
  t.like(created[1], { message: 'create Pod db-0 in StatefulSet db successful' });
});

test('a live replica\'s claim gets the owners its retention policy asks for: the set for whenDeleted=Delete, no stale pod', async (t) => {
  const env = fakeEnv();
  const set = sts({ claims: true, replicas: 1 });
  set.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Delete' };
  env.client.seed(R.statefulSets, set);
  env.client.seed(PVCS, { metadata: { name: 'data-db-0', namespace: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'db-0', uid: 'old-pod' }] }, spec: {} });
  await converge(env, newStatefulSetReconciler(env.ctx), 3);
  t.deepEqual(env.client.peek(PVCS, 'a', 'data-db-0')?.metadata?.ownerReferences?.map((r) => `${r.kind}/${r.uid}`), ['StatefulSet/sts-uid']);
});
