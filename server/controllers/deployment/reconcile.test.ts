import test from 'ava';
import { R } from '../common/resources.ts';
import { fakeEnv, type FakeEnv } from '../../../testing/controllers/env.ts';
import { newDeploymentReconciler } from './reconcile.ts';
import type { Deployment, ReplicaSet } from './types.ts';
import { computeHash } from './util.ts';

const LABELS = { app: 'web' };
const template = (image: string, hash?: string) => ({
  metadata: { labels: { ...LABELS, ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'c', image }] },
});
const NOW = '2025-01-01T00:20:00Z';

function deployment(o: { replicas?: number; image?: string; strategy?: Deployment['spec'] extends infer S ? (S extends { strategy?: infer T } ? T : never) : never; paused?: boolean; history?: number; status?: Deployment['status'] } = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'a', uid: 'd-uid', generation: 2 },
    spec: {
      replicas: o.replicas ?? 4,
      selector: { matchLabels: LABELS },
      template: template(o.image ?? 'v1'),
      strategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: o.history ?? 10,
      progressDeadlineSeconds: 600,
      paused: o.paused,
    },
    status: o.status,
  };
}

function rs(name: string, image: string, replicas: number, available: number, o: { revision?: number; desired?: number; max?: number; created?: string } = {}): ReplicaSet {
  return {
    metadata: {
      name, namespace: 'a', uid: `${name}-uid`, generation: 1, creationTimestamp: o.created ?? '2025-01-01T00:00:00Z',
      labels: { ...LABELS, 'pod-template-hash': name },
      annotations: { 'deployment.kubernetes.io/revision': String(o.revision ?? 1), 'deployment.kubernetes.io/desired-replicas': String(o.desired ?? 4), 'deployment.kubernetes.io/max-replicas': String(o.max ?? replicas + 1) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }],
    },
    spec: { replicas, selector: { matchLabels: { ...LABELS, 'pod-template-hash': name } }, template: template(image, name) },
    status: { replicas, readyReplicas: available, availableReplicas: available, observedGeneration: 1 },
  };
}

interface Case {
  name: string;
  d: Deployment;
  rss: ReplicaSet[];
  passes?: number;
  /** RS name (or 'NEW' for the created one) -> spec.replicas; null = deleted */
  expectRS: Record<string, number | null>;
  expectProgressing?: { status: 'True' | 'False' | 'Unknown'; reason: string; message?: string };
  expectAvailable?: 'True' | 'False';
  expectRevision?: string;
}

const HASH = computeHash(template('v1'));
const cases: Case[] = [
  {
    name: 'a new Deployment gets its first ReplicaSet at full size',
    d: deployment({ replicas: 3 }), rss: [],
    expectRS: { NEW: 3 },
    expectProgressing: { status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${HASH}"` },
    expectAvailable: 'False', expectRevision: '1',
  },
  {
    name: 'a template change surges one new pod and drops one old (4 replicas, 25%/25%)',
    d: deployment(), rss: [rs('old', 'v0', 4, 4)],
    expectRS: { NEW: 1, old: 3 }, expectRevision: '2',
  },
  {
    name: 'old ReplicaSets shrink as the new one becomes available',
    d: deployment(), rss: [rs('old', 'v0', 3, 3), rs(`web-${HASH}`, 'v1', 2, 2, { revision: 2, desired: 4, max: 5, created: '2025-01-01T00:05:00Z' })],
    expectRS: { old: 1, [`web-${HASH}`]: 2 },
  },
  {
    name: 'a finished rollout is NewReplicaSetAvailable and prunes history',
    d: deployment({ history: 0 }), rss: [rs('old', 'v0', 0, 0), rs(`web-${HASH}`, 'v1', 4, 4, { revision: 2, desired: 4, max: 5 })],
    passes: 2,
    expectRS: { old: null },
    expectProgressing: { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${HASH}" has successfully progressed.` },
    expectAvailable: 'True',
  },
  {
    name: 'Recreate scales the old ReplicaSet to zero before creating the new one',
    d: deployment({ strategy: { type: 'Recreate' } }), rss: [rs('old', 'v0', 2, 2)],
    expectRS: { old: 0, NEW: null },
  },
  {
    name: 'Recreate creates the new ReplicaSet once the old pods are gone',
    d: deployment({ strategy: { type: 'Recreate' } }), rss: [{ ...rs('old', 'v0', 0, 0), status: { replicas: 0 } }],
    expectRS: { old: 0, NEW: 4 },
  },
  {
    name: 'a paused Deployment does not roll out',
    d: deployment({ paused: true }), rss: [rs('old', 'v0', 4, 4)],
    expectRS: { old: 4, NEW: null },
    expectProgressing: { status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' },
  },
  {
    name: 'a replicas change scales the only active ReplicaSet',
    d: deployment({ replicas: 6 }), rss: [rs(`web-${HASH}`, 'v1', 4, 4, { desired: 4 })],
    expectRS: { [`web-${HASH}`]: 6 },
  },
  {
    name: 'a replicas change mid-rollout is spread proportionally',
    d: deployment({ replicas: 20, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } } }),
    rss: [rs('old', 'v0', 6, 6, { desired: 10, max: 12 }), rs(`web-${HASH}`, 'v1', 6, 0, { revision: 2, desired: 10, max: 12 })],
    expectRS: { old: 11, [`web-${HASH}`]: 11 },
  },
  {
    name: 'a rollout stuck past its deadline is ProgressDeadlineExceeded',
    d: deployment({ status: { replicas: 5, updatedReplicas: 2, availableReplicas: 3, readyReplicas: 3, observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2025-01-01T00:00:00Z', lastTransitionTime: '2025-01-01T00:00:00Z' }] } }),
    rss: [rs('old', 'v0', 3, 3), rs(`web-${HASH}`, 'v1', 2, 0, { revision: 2, desired: 4, max: 5, created: '2025-01-01T00:05:00Z' })],
    expectRS: { old: 3, [`web-${HASH}`]: 2 },
    expectProgressing: { status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "web-${HASH}" has timed out progressing.` },
  },
];

async function run(env: FakeEnv, passes: number) {
  const reconcile = newDeploymentReconciler(env.ctx);
  for (let i = 0; i < passes; i++) await reconcile('a/web');
}

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv(NOW);
    env.client.seed(R.deployments, c.d);
    for (const x of c.rss) env.client.seed(R.replicaSets, x);
    await run(env, c.passes ?? 1);
    for (const [name, want] of Object.entries(c.expectRS)) {
      const got = env.client.peek<ReplicaSet>(R.replicaSets, 'a', name === 'NEW' ? `web-${HASH}` : name);
      t.is(got === undefined ? null : (got.spec?.replicas ?? 0), want, name);
    }
    const d = env.client.peek<Deployment>(R.deployments, 'a', 'web');
    const cond = (type: string) => d?.status?.conditions?.find((x) => x.type === type);
    if (c.expectProgressing) t.like(cond('Progressing'), c.expectProgressing);
    if (c.expectAvailable) t.is(cond('Available')?.status, c.expectAvailable);
    if (c.expectRevision) {
      t.is(d?.metadata?.annotations?.['deployment.kubernetes.io/revision'], c.expectRevision);
      t.is(env.client.peek(R.replicaSets, 'a', `web-${HASH}`)?.metadata?.annotations?.['deployment.kubernetes.io/revision'], c.expectRevision);
    }
    t.is(d?.status?.observedGeneration, d?.metadata?.generation);
  });
}

test('the new ReplicaSet carries the hash label, selector and replica annotations', async (t) => {
  const env = fakeEnv(NOW);
  env.client.seed(R.deployments, deployment({ replicas: 10 }));
  await run(env, 1);
  const got = env.client.peek<ReplicaSet>(R.replicaSets, 'a', `web-${HASH}`);
  t.is(got?.spec?.template?.metadata?.labels?.['pod-template-hash'], HASH);
  t.deepEqual((got?.spec?.selector as { matchLabels: unknown }).matchLabels, { ...LABELS, 'pod-template-hash': HASH });
  t.like(got?.metadata?.annotations, { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' });
  t.like(got?.metadata?.ownerReferences?.[0], { kind: 'Deployment', uid: 'd-uid', controller: true });
});

test('records ScalingReplicaSet events as upstream words them', async (t) => {
  const env = fakeEnv(NOW);
  env.client.seed(R.deployments, deployment());
  env.client.seed(R.replicaSets, rs('old', 'v0', 4, 4));
  await run(env, 1);
  const scaling = env.recorder.withReason('ScalingReplicaSet');
  t.like(scaling[0], { component: 'deployment-controller', kind: 'Deployment', name: 'web', type: 'Normal', message: `Scaled up replica set web-${HASH} to 1` });
  t.like(scaling[1], { message: 'Scaled down replica set old to 3 from 4' });
});

test('a fresh Deployment gets its revision with its status, never by a write that bumps generation', async (t) => {
  const env = fakeEnv(NOW);
  const d = deployment();
  d.metadata!.generation = 1;
  env.client.seed(R.deployments, d);
  await run(env, 3);
  const got = env.client.peek<Deployment>(R.deployments, 'a', 'web');
  t.is(got?.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
  t.is(got?.metadata?.generation, 1);
  t.is(got?.status?.observedGeneration, 1);
  const mainWrites = env.client.writes(undefined, 'deployments').filter((w) => w.verb !== 'create' && w.subresource !== 'status');
  t.deepEqual(mainWrites, []);
});
