import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { Expectations } from '../common/expectations.ts';
import { R } from '../common/resources.ts';
import type { Pod } from '../common/pods.ts';
import { fakeEnv, type FakeEnv } from '../../../testing/controllers/env.ts';
import { replicaSetKind, replicationControllerKind, type ReplicaSet } from './kinds.ts';
import { newReplicaSetReconciler } from './reconcile.ts';

const LABELS = { app: 'web' };
const rs = (replicas: number, minReadySeconds = 0): ReplicaSet => ({
  metadata: { name: 'web', namespace: 'a', uid: 'rs-uid', generation: 3 },
  spec: { replicas, minReadySeconds, selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});
const ref = (uid = 'rs-uid') => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid, controller: true }];
const ready = (since = '2025-01-01T00:00:00Z') => ({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] });
const pod = (name: string, o: { labels?: Record<string, string>; owner?: string | null; node?: string; status?: Pod['status']; created?: string } = {}): Pod => ({
  metadata: { name, namespace: 'a', labels: o.labels ?? LABELS, creationTimestamp: o.created, ...(o.owner === null ? {} : { ownerReferences: ref(o.owner) }) },
  spec: { nodeName: o.node },
  status: o.status ?? { phase: 'Pending' },
});

interface Case {
  name: string;
  rs: ReplicaSet;
  pods: Pod[];
  expectPods: number;
  expectDeleted?: string[];
  expectOwnedBy?: Record<string, string | undefined>;
  expectStatus?: Record<string, unknown>;
  expectRequeueMs?: number;
}

const cases: Case[] = [
  { name: 'creates the missing pods', rs: rs(3), pods: [], expectPods: 3, expectStatus: { replicas: 0, observedGeneration: 3 } },
  {
    name: 'deletes the surplus, unscheduled and not ready first',
    rs: rs(1),
    pods: [pod('ready', { node: 'n', status: ready() }), pod('unscheduled'), pod('notready', { node: 'n', status: { phase: 'Running' } })],
    expectPods: 1,
    expectDeleted: ['unscheduled', 'notready'],
  },
  { name: 'adopts a matching orphan', rs: rs(1), pods: [pod('orphan', { owner: null })], expectPods: 1, expectOwnedBy: { orphan: 'rs-uid' } },
  { name: 'releases a pod whose labels stopped matching', rs: rs(0), pods: [pod('moved', { labels: { app: 'other' } })], expectPods: 1, expectOwnedBy: { moved: undefined } },
  { name: 'leaves pods of other controllers alone', rs: rs(0), pods: [pod('theirs', { owner: 'other-uid' })], expectPods: 1, expectOwnedBy: { theirs: 'other-uid' } },
  {
    name: 'counts ready and available pods with minReadySeconds',
    rs: rs(2, 10),
    pods: [pod('old', { node: 'n', status: ready('2024-12-31T23:59:00Z') }), pod('new', { node: 'n', status: ready('2024-12-31T23:59:55Z') })],
    expectPods: 2,
    expectStatus: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 },
    expectRequeueMs: 5000,
  },
];

async function run(env: FakeEnv, key = 'a/web', kind = replicaSetKind) {
  const reconcile = newReplicaSetReconciler({ ...env.ctx, kind, expectations: new Expectations(env.clock) });
  return { reconcile, result: await reconcile(key) };
}

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    env.client.seed(R.replicaSets, c.rs);
    for (const p of c.pods) env.client.seed(R.pods, p);
    const { result } = await run(env);
    const pods = env.client.all<Pod>(R.pods, 'a');
    t.is(pods.length, c.expectPods);
    if (c.expectDeleted) t.deepEqual(env.client.writes('delete').map((x) => x.name).sort(), [...c.expectDeleted].sort());
    for (const [name, uid] of Object.entries(c.expectOwnedBy ?? {})) {
      t.is(env.client.peek(R.pods, 'a', name)?.metadata?.ownerReferences?.[0]?.uid, uid, name);
    }
    if (c.expectStatus) t.like(env.client.peek<ReplicaSet>(R.replicaSets, 'a', 'web')?.status, c.expectStatus);
    if (c.expectRequeueMs !== undefined) t.is(result.requeueAfterMs, c.expectRequeueMs);
  });
}

test('created pods come from the template with a controller reference', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.replicaSets, rs(1));
  await run(env);
  const [p] = env.client.all<Pod>(R.pods, 'a');
  t.true(p.metadata?.name?.startsWith('web-'));
  t.deepEqual(p.metadata?.labels, LABELS);
  t.like(p.metadata?.ownerReferences?.[0], { kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true });
});

test('expectations: a lagging pod cache does not double-create', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.replicaSets, rs(2));
  const reconcile = newReplicaSetReconciler({ ...env.ctx, kind: replicaSetKind, expectations: new Expectations(env.clock) });
  env.informers.pause();
  await reconcile('a/web');
  await reconcile('a/web');
  t.is(env.client.writes('create').length, 2);
  env.informers.resume();
  await reconcile('a/web');
  t.is(env.client.writes('create').length, 2);
});

test('a failing create sets ReplicaFailure and reports the error', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.replicaSets, rs(2));
  env.client.failWith = (c) => (c.verb === 'create' ? { code: 403, reason: 'Forbidden', message: 'pods "web-" is forbidden: exceeded quota' } : undefined);
  const reconcile = newReplicaSetReconciler({ ...env.ctx, kind: replicaSetKind, expectations: new Expectations(env.clock) });
  await t.throwsAsync(reconcile('a/web'));
  t.is(env.client.writes('create').length, 1, 'slow start stops after the first failure');
  t.like(env.client.peek<ReplicaSet>(R.replicaSets, 'a', 'web')?.status?.conditions?.[0], { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
});

test('a ReplicationController keeps its pods the same way', async (t) => {
  const env = fakeEnv();
  const rc: KubeObject = { metadata: { name: 'web', namespace: 'a', uid: 'rc-uid' }, spec: { replicas: 2, selector: LABELS, template: { metadata: { labels: LABELS }, spec: {} } } };
  env.client.seed(R.replicationControllers, rc);
  await run(env, 'a/web', replicationControllerKind);
  const pods = env.client.all<Pod>(R.pods, 'a');
  t.is(pods.length, 2);
  t.is(pods[0].metadata?.ownerReferences?.[0]?.kind, 'ReplicationController');
});

test('records upstream events for the pods it creates, deletes and fails to create', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.replicaSets, rs(1));
  await run(env);
  const [p] = env.client.all<Pod>(R.pods, 'a');
  t.like(env.recorder.withReason('SuccessfulCreate')[0], { component: 'replicaset-controller', kind: 'ReplicaSet', name: 'web', type: 'Normal', message: `Created pod: ${p.metadata?.name}` });

  const down = fakeEnv();
  down.client.seed(R.replicaSets, rs(0));
  down.client.seed(R.pods, pod('extra'));
  await run(down);
  t.like(down.recorder.withReason('SuccessfulDelete')[0], { type: 'Normal', message: 'Deleted pod: extra' });

  const failing = fakeEnv();
  failing.client.seed(R.replicaSets, rs(1));
  failing.client.failWith = (c) => (c.verb === 'create' ? { code: 403, reason: 'Forbidden', message: 'exceeded quota' } : undefined);
  await t.throwsAsync(run(failing));
  t.like(failing.recorder.withReason('FailedCreate')[0], { type: 'Warning', message: 'Error creating: exceeded quota' });
});

test('claims through the controller index: its own pods and the orphans of its namespace only', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.replicaSets, rs(2));
  env.client.seed(R.pods, pod('orphan', { owner: null }));
  env.client.seed(R.pods, { ...pod('elsewhere', { owner: null }), metadata: { name: 'elsewhere', namespace: 'b', labels: LABELS } });
  env.client.seed(R.pods, pod('theirs', { owner: 'other-uid' }));
  await run(env);
  t.is(env.client.peek(R.pods, 'a', 'orphan')?.metadata?.ownerReferences?.[0]?.uid, 'rs-uid');
  t.is(env.client.peek(R.pods, 'b', 'elsewhere')?.metadata?.ownerReferences, undefined);
  t.is(env.client.peek(R.pods, 'a', 'theirs')?.metadata?.ownerReferences?.[0]?.uid, 'other-uid');
  // The adopted orphan counts: one pod created for two replicas.
  t.is(env.client.writes('create').length, 1);
});
