import test from 'ava';
import { R } from '../common/resources.ts';
import type { Pod } from '../common/pods.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { MESSAGE_STATUS_UNKNOWN, NODE_MONITOR_PERIOD_MS, REASON_NEVER_UPDATED, REASON_STATUS_UNKNOWN } from './health.ts';
import { newNodeLifecycleReconciler } from './reconcile.ts';
import { LEASES, NODES } from './resources.ts';
import type { Node, NodeCondition, Taint } from './taints.ts';

// The fake clock starts at 2025-01-01T00:00:00Z.
const T0 = '2025-01-01T00:00:00Z';
const ago = (s: number) => new Date(Date.parse(T0) - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ready = (status: NodeCondition['status'], heartbeat: string): NodeCondition => ({ type: 'Ready', status, reason: 'KubeletReady', lastHeartbeatTime: heartbeat, lastTransitionTime: ago(3600) });
const node = (conds: NodeCondition[] | undefined, taints?: Taint[], extra: { unschedulable?: boolean; created?: string } = {}): Node => ({
  metadata: { name: 'n1', creationTimestamp: extra.created ?? ago(3600) },
  spec: { ...(taints ? { taints } : {}), ...(extra.unschedulable ? { unschedulable: true } : {}) },
  status: conds ? { conditions: conds } : {},
});
const key = (t: Taint) => `${t.key}:${t.effect}`;

interface Case {
  name: string;
  node: Node;
  leaseRenewed?: string;
  expectReady?: { status: string; reason?: string; message?: string };
  expectTaints: string[];
}

const cases: Case[] = [
  { name: 'a node with a fresh lease is left alone', node: node([ready('True', ago(300))]), leaseRenewed: ago(5), expectReady: { status: 'True', reason: 'KubeletReady' }, expectTaints: [] },
  { name: 'a fresh Ready heartbeat alone keeps it healthy', node: node([ready('True', ago(10))]), expectReady: { status: 'True' }, expectTaints: [] },
  {
    name: 'lease and heartbeat older than 40s: Ready Unknown and unreachable taints',
    node: node([ready('True', ago(300))]),
    leaseRenewed: ago(41),
    expectReady: { status: 'Unknown', reason: REASON_STATUS_UNKNOWN, message: MESSAGE_STATUS_UNKNOWN },
    expectTaints: ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule'],
  },
  {
    name: 'Ready=False from the kubelet: not-ready taints',
    node: node([ready('False', ago(1))]),
    leaseRenewed: ago(1),
    expectReady: { status: 'False' },
    expectTaints: ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule'],
  },
  {
    name: 'Ready again: the unreachable taints go, other taints stay',
    node: node([ready('True', ago(1))], [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: ago(60) }, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'dedicated', value: 'db', effect: 'NoSchedule' }]),
    leaseRenewed: ago(1),
    expectReady: { status: 'True' },
    expectTaints: ['dedicated:NoSchedule'],
  },
  {
    name: 'pressure conditions and cordoning become NoSchedule taints',
    node: node([ready('True', ago(1)), { type: 'MemoryPressure', status: 'True' }, { type: 'DiskPressure', status: 'False' }], undefined, { unschedulable: true }),
    leaseRenewed: ago(1),
    expectTaints: ['node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule'],
  },
  { name: 'a new node gets the startup grace', node: node(undefined, undefined, { created: ago(50) }), expectTaints: [] },
  {
    name: 'a node that never posted status after the startup grace',
    node: node(undefined, undefined, { created: ago(61) }),
    expectReady: { status: 'Unknown', reason: REASON_NEVER_UPDATED },
    expectTaints: ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule'],
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv(T0);
    env.client.seed(NODES, c.node);
    if (c.leaseRenewed) env.client.seed(LEASES, { metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', renewTime: c.leaseRenewed.replace('Z', '.000000Z') } });
    const reconcile = newNodeLifecycleReconciler(env.ctx);
    await reconcile('n1');
    const writes = env.client.calls.length;
    await reconcile('n1');
    t.is(env.client.calls.length, writes, 'a second pass changes nothing');
    const got = env.client.peek<Node>(NODES, '', 'n1')!;
    if (c.expectReady) t.like(got.status?.conditions?.find((x) => x.type === 'Ready'), c.expectReady);
    t.deepEqual((got.spec?.taints ?? []).map(key).sort(), c.expectTaints);
  });
}

test('stale node: every monitored condition Unknown, NoExecute taint stamped, pods marked not ready', async (t) => {
  const env = fakeEnv(T0);
  env.client.seed(NODES, node([ready('True', ago(300)), { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: ago(300) }]));
  const pod: Pod = { metadata: { name: 'p', namespace: 'a' }, spec: { nodeName: 'n1' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  env.client.seed(R.pods, pod);
  await newNodeLifecycleReconciler(env.ctx)('n1');
  const got = env.client.peek<Node>(NODES, '', 'n1')!;
  t.deepEqual(got.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort(), ['DiskPressure=Unknown', 'MemoryPressure=Unknown', 'PIDPressure=Unknown', 'Ready=Unknown']);
  t.is(got.spec?.taints?.find((x) => x.effect === 'NoExecute')?.timeAdded, T0);
  t.is(env.client.peek<Pod>(R.pods, 'a', 'p')?.status?.conditions?.[0]?.status, 'False');
  const [onNode, onPod] = env.recorder.withReason('NodeNotReady');
  t.like(onNode, { component: 'node-controller', kind: 'Node', name: 'n1', type: 'Normal', message: 'Node n1 status is now: NodeNotReady' });
  t.like(onPod, { component: 'node-controller', kind: 'Pod', namespace: 'a', name: 'p', type: 'Warning', message: 'Node is not ready' });
});

test('a healthy node is looked at again within the monitor period, and goes Unknown once the lease lapses', async (t) => {
  const env = fakeEnv(T0);
  env.client.seed(NODES, node([ready('True', ago(300))]));
  env.client.seed(LEASES, { metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime: ago(38) } });
  const reconcile = newNodeLifecycleReconciler(env.ctx);
  const r = await reconcile('n1');
  t.is(r.requeueAfterMs, 2001);
  env.clock.advance(2001);
  const r2 = await reconcile('n1');
  t.is(r2.requeueAfterMs, NODE_MONITOR_PERIOD_MS);
  t.is(env.client.peek<Node>(NODES, '', 'n1')?.status?.conditions?.[0]?.status, 'Unknown');
});

test('a missing node is nothing to do', async (t) => {
  const env = fakeEnv(T0);
  t.deepEqual(await newNodeLifecycleReconciler(env.ctx)('gone'), {});
});
