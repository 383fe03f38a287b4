import test from 'ava';
import { Expectations } from '../common/expectations.ts';
import { R } from '../common/resources.ts';
import type { Pod } from '../common/pods.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import type { Node, Taint, Toleration } from '../node-lifecycle/taints.ts';
import { fakeEnv, type FakeEnv } from '../../../testing/controllers/env.ts';
import { registerDaemonSetHandlers } from './handlers.ts';
import { placement, targetNode, type DaemonSet } from './placement.ts';
import { newDaemonSetReconciler } from './reconcile.ts';

const LABELS = { app: 'agent' };
const ds = (o: { image?: string; nodeSelector?: Record<string, string>; tolerations?: Toleration[]; maxUnavailable?: number | string; maxSurge?: number | string; onDelete?: boolean } = {}): DaemonSet => ({
  metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 1 },
  spec: {
    selector: { matchLabels: LABELS },
    updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}), ...(o.maxSurge !== undefined ? { maxSurge: o.maxSurge } : {}) } },
    template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'c', image: o.image ?? 'agent:1' }], ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}), ...(o.tolerations ? { tolerations: o.tolerations } : {}) } },
  },
});
const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node => ({ metadata: { name, labels }, spec: { taints } });

const placements: { name: string; ds: DaemonSet; node: Node; expect: [boolean, boolean] }[] = [
  { name: 'a plain node', ds: ds(), node: node('n'), expect: [true, true] },
  { name: 'nodeSelector mismatch', ds: ds({ nodeSelector: { role: 'edge' } }), node: node('n', { role: 'core' }), expect: [false, false] },
  { name: 'nodeSelector match', ds: ds({ nodeSelector: { role: 'edge' } }), node: node('n', { role: 'edge' }), expect: [true, true] },
  { name: 'untolerated NoSchedule: not scheduled, existing stays', ds: ds(), node: node('n', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]), expect: [false, true] },
  { name: 'untolerated NoExecute: evicted', ds: ds(), node: node('n', {}, [{ key: 'dedicated', effect: 'NoExecute' }]), expect: [false, false] },
  { name: 'tolerated by the template', ds: ds({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }), node: node('n', {}, [{ key: 'dedicated', effect: 'NoExecute' }]), expect: [true, true] },
  { name: 'default tolerations: unreachable, not-ready, unschedulable, pressure', ds: ds(), node: node('n', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]), expect: [false, true] },
  { name: 'default tolerations without not-ready NoSchedule', ds: ds(), node: node('n', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' }]), expect: [true, true] },
];
for (const c of placements) test(`placement: ${c.name}`, (t) => t.deepEqual(Object.values(placement(c.ds, c.node)), c.expect));

function setup(d: DaemonSet, nodes: Node[]) {
  const env = fakeEnv();
  for (const n of nodes) env.client.seed(NODES, n);
  env.client.seed(R.daemonSets, d);
  const expectations = new Expectations(env.clock);
  registerDaemonSetHandlers(env.informers, expectations, () => undefined);
  const reconcile = newDaemonSetReconciler({ ...env.ctx, expectations });
  return { env, reconcile: () => reconcile('kube-system/agent') };
}
const pods = (env: FakeEnv) => env.client.all<Pod>(R.pods, 'kube-system');
/** The scheduler binds each pod where its affinity pins it; the kubelet makes it ready. */
function bindAndRun(env: FakeEnv): void {
  for (const p of pods(env)) {
    if (p.status?.phase === 'Running') continue;
    env.client.seed(R.pods, { ...p, spec: { ...p.spec, nodeName: targetNode(p) }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z' }] } });
  }
}
const imagesByNode = (env: FakeEnv) => Object.fromEntries(pods(env).filter((p) => !p.metadata?.deletionTimestamp).map((p) => [targetNode(p), (p.spec?.containers as { image: string }[])[0].image]));

test('one pod per eligible node, pinned by node affinity, with the daemon tolerations', async (t) => {
  const { env, reconcile } = setup(ds({ nodeSelector: { os: 'linux' } }), [node('a', { os: 'linux' }), node('b', { os: 'linux' }), node('w', { os: 'windows' })]);
  await reconcile();
  const ps = pods(env);
  t.deepEqual(ps.map(targetNode).sort(), ['a', 'b']);
  const p = ps[0];
  t.deepEqual((p.spec as { affinity: unknown }).affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNode(p)] }] }] } } });
  t.is(((p.spec as { tolerations: unknown[] }).tolerations).length, 6);
  t.truthy(p.metadata?.labels?.['controller-revision-hash']);
  t.like(p.metadata?.ownerReferences?.[0], { kind: 'DaemonSet', uid: 'ds-uid', controller: true });
  t.like(env.client.peek<DaemonSet>(R.daemonSets, 'kube-system', 'agent')?.status, { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 0, numberMisscheduled: 0, numberUnavailable: 2, observedGeneration: 1 });
  await reconcile();
  t.is(pods(env).length, 2, 'idempotent');
});

test('status once pods run; a node that stops matching loses its pod; failed pods are replaced', async (t) => {
  const { env, reconcile } = setup(ds({ nodeSelector: { os: 'linux' } }), [node('a', { os: 'linux' }), node('b', { os: 'linux' })]);
  await reconcile();
  bindAndRun(env);
  await reconcile();
  t.like(env.client.peek<DaemonSet>(R.daemonSets, 'kube-system', 'agent')?.status, { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2 });
  env.client.seed(NODES, node('b', { os: 'windows' }));
  const failed = pods(env).find((p) => targetNode(p) === 'a')!;
  env.client.seed(R.pods, { ...failed, status: { phase: 'Failed' } });
  await reconcile();
  t.deepEqual(pods(env).map(targetNode), [], 'the failed pod and the misplaced one are deleted');
  await reconcile();
  t.deepEqual(pods(env).map(targetNode), ['a']);
});

test('RollingUpdate with maxUnavailable 1 replaces one node at a time', async (t) => {
  const { env, reconcile } = setup(ds(), [node('a'), node('b'), node('c')]);
  await reconcile();
  bindAndRun(env);
  env.client.seed(R.daemonSets, { ...ds({ image: 'agent:2' }), metadata: { ...ds().metadata, generation: 2 } });
  await reconcile();
  t.is(pods(env).length, 2, 'one old pod deleted');
  await reconcile();
  t.deepEqual(imagesByNode(env), { a: 'agent:2', b: 'agent:1', c: 'agent:1' });
  await reconcile();
  t.is(pods(env).length, 3, 'waits while the new pod is unavailable');
  for (let i = 0; i < 6; i++) {
    bindAndRun(env);
    await reconcile();
  }
  t.deepEqual(imagesByNode(env), { a: 'agent:2', b: 'agent:2', c: 'agent:2' });
  t.like(env.client.peek<DaemonSet>(R.daemonSets, 'kube-system', 'agent')?.status, { updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
});

test('RollingUpdate with maxSurge creates the new pod first, then removes the old one', async (t) => {
  const { env, reconcile } = setup(ds({ maxSurge: 1, maxUnavailable: 0 }), [node('a'), node('b')]);
  await reconcile();
  bindAndRun(env);
  env.client.seed(R.daemonSets, ds({ image: 'agent:2', maxSurge: 1, maxUnavailable: 0 }));
  await reconcile();
  t.is(pods(env).length, 3, 'a surge pod on one node');
  t.deepEqual(pods(env).map(targetNode).sort(), ['a', 'a', 'b']);
  bindAndRun(env);
  await reconcile();
  t.deepEqual(imagesByNode(env).a, 'agent:2');
  t.is(pods(env).filter((p) => targetNode(p) === 'a').length, 1, 'old pod removed once the new one is available');
});

test('OnDelete does not replace old pods', async (t) => {
  const { env, reconcile } = setup(ds({ onDelete: true }), [node('a')]);
  await reconcile();
  bindAndRun(env);
  env.client.seed(R.daemonSets, ds({ onDelete: true, image: 'agent:2' }));
  await reconcile();
  await reconcile();
  t.deepEqual(imagesByNode(env), { a: 'agent:1' });
  t.like(env.client.peek<DaemonSet>(R.daemonSets, 'kube-system', 'agent')?.status, { updatedNumberScheduled: 0 });
});

test('extra pods on a node: the oldest stays', async (t) => {
  const { env, reconcile } = setup(ds(), [node('a')]);
  await reconcile();
  bindAndRun(env);
  const [first] = pods(env);
  env.clock.advance(1000);
  env.client.seed(R.pods, { ...first, metadata: { ...first.metadata, name: 'agent-extra', uid: undefined, creationTimestamp: undefined } });
  await reconcile();
  t.deepEqual(pods(env).map((p) => p.metadata?.name), [first.metadata?.name]);
});

test('records SuccessfulCreate "Created pod: <name>" for each daemon pod', async (t) => {
  const { env, reconcile } = setup(ds(), [node('a')]);
  await reconcile();
  const [p] = pods(env);
  t.like(env.recorder.withReason('SuccessfulCreate')[0], { component: 'daemonset-controller', kind: 'DaemonSet', name: 'agent', type: 'Normal', message: `Created pod: ${p.metadata?.name}` });
});
