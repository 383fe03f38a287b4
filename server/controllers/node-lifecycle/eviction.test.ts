import test from 'ava';
import { R } from '../common/resources.ts';
import type { Pod } from '../common/pods.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { evictionDecision, newTaintEvictionReconciler, REASON_TAINT_MANAGER, type EvictionDecision } from './eviction.ts';
import { NODES } from './resources.ts';
import type { Taint, Toleration } from './taints.ts';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const unreachable = (addedAt = 0): Taint => ({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(addedAt) });
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: at(0) };
const tol = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
const pod = (name: string, tolerations: Toleration[] = [], created = at(-3600)): Pod => ({
  metadata: { name, namespace: 'a', creationTimestamp: created },
  spec: { nodeName: 'n1', tolerations },
  status: { phase: 'Running' },
});

const decisions: { name: string; pod: Pod; taints: Taint[]; expect: EvictionDecision }[] = [
  { name: 'no taints: keep', pod: pod('p'), taints: [], expect: { action: 'keep' } },
  { name: 'NoSchedule only: keep', pod: pod('p'), taints: [{ key: 'x', effect: 'NoSchedule' }], expect: { action: 'keep' } },
  { name: 'untolerated NoExecute: delete now', pod: pod('p'), taints: [unreachable()], expect: { action: 'delete' } },
  { name: 'tolerated forever: keep', pod: pod('p', [tol('node.kubernetes.io/unreachable')]), taints: [unreachable()], expect: { action: 'keep' } },
  { name: 'tolerated for 300s from timeAdded', pod: pod('p', [tol('node.kubernetes.io/unreachable', 300)]), taints: [unreachable(10)], expect: { action: 'wait', at: T0 + 310_000 } },
  { name: 'a pod created after the taint counts from its creation', pod: pod('p', [tol('node.kubernetes.io/unreachable', 300)], at(50)), taints: [unreachable(10)], expect: { action: 'wait', at: T0 + 350_000 } },
  { name: 'the shortest toleration wins', pod: pod('p', [tol('node.kubernetes.io/unreachable', 300), tol('node.kubernetes.io/not-ready', 30)]), taints: [unreachable(), notReady], expect: { action: 'wait', at: T0 + 30_000 } },
  { name: 'one taint of two not tolerated: delete', pod: pod('p', [tol('node.kubernetes.io/unreachable', 300)]), taints: [unreachable(), notReady], expect: { action: 'delete' } },
  { name: 'an empty-key Exists toleration tolerates all', pod: pod('p', [{ operator: 'Exists' }]), taints: [unreachable(), notReady], expect: { action: 'keep' } },
  { name: 'negative seconds mean now', pod: pod('p', [tol('node.kubernetes.io/unreachable', -5)]), taints: [unreachable()], expect: { action: 'wait', at: T0 } },
];

for (const c of decisions) test(`decision: ${c.name}`, (t) => t.deepEqual(evictionDecision(c.pod, c.taints, T0), c.expect));

test('evicts untolerating pods now and tolerating ones when their time runs out', async (t) => {
  const env = fakeEnv('2025-01-01T00:00:00Z');
  env.client.seed(NODES, { metadata: { name: 'n1' }, spec: { taints: [unreachable()] } });
  env.client.seed(R.pods, pod('plain'));
  env.client.seed(R.pods, pod('default', [tol('node.kubernetes.io/unreachable', 300)]));
  env.client.seed(R.pods, pod('daemon', [tol('node.kubernetes.io/unreachable')]));
  env.client.seed(R.pods, { ...pod('elsewhere'), spec: { nodeName: 'n2' } });
  const reconcile = newTaintEvictionReconciler(env.ctx);
  const r = await reconcile('n1');
  t.deepEqual(env.client.all<Pod>(R.pods, 'a').map((p) => p.metadata?.name), ['daemon', 'default', 'elsewhere']);
  t.is(r.requeueAfterMs, 300_000);
  const statusWrite = env.client.writes('update', 'pods').find((c) => c.name === 'plain');
  t.is(statusWrite?.subresource, 'status', 'the DisruptionTarget condition is written before the delete');
  env.clock.advance(299_000);
  t.is((await reconcile('n1')).requeueAfterMs, 1000);
  env.clock.advance(1000);
  t.deepEqual(await reconcile('n1'), {});
  t.deepEqual(env.client.all<Pod>(R.pods, 'a').map((p) => p.metadata?.name), ['daemon', 'elsewhere']);
});

test('the DisruptionTarget condition says why', async (t) => {
  const env = fakeEnv('2025-01-01T00:00:00Z');
  env.client.seed(NODES, { metadata: { name: 'n1' }, spec: { taints: [unreachable()] } });
  env.client.seed(R.pods, { ...pod('p'), metadata: { name: 'p', namespace: 'a', finalizers: ['keep'] } });
  await newTaintEvictionReconciler(env.ctx)('n1');
  const got = env.client.peek<Pod>(R.pods, 'a', 'p');
  t.truthy(got?.metadata?.deletionTimestamp);
  t.like(got?.status?.conditions?.find((c) => c.type === 'DisruptionTarget'), { status: 'True', reason: REASON_TAINT_MANAGER });
  t.like(env.recorder.withReason('TaintManagerEviction')[0], { component: 'taint-eviction-controller', kind: 'Pod', namespace: 'a', name: 'p', type: 'Normal', message: 'Marking for deletion Pod a/p' });
});

test('undated taints count from when the controller first saw the pod', async (t) => {
  const env = fakeEnv('2025-01-01T00:00:00Z');
  env.client.seed(NODES, { metadata: { name: 'n1' }, spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } });
  env.client.seed(R.pods, pod('p', [tol('k', 60)]));
  const reconcile = newTaintEvictionReconciler(env.ctx);
  t.is((await reconcile('n1')).requeueAfterMs, 60_000);
  env.clock.advance(30_000);
  t.is((await reconcile('n1')).requeueAfterMs, 30_000);
  env.clock.advance(30_000);
  await reconcile('n1');
  t.is(env.client.all(R.pods, 'a').length, 0);
});

test('a pod whose node lost the taint is kept', async (t) => {
  const env = fakeEnv('2025-01-01T00:00:00Z');
  env.client.seed(NODES, { metadata: { name: 'n1' }, spec: {} });
  env.client.seed(R.pods, pod('p'));
  t.deepEqual(await newTaintEvictionReconciler(env.ctx)('n1'), {});
  t.is(env.client.writes().length, 0);
});
