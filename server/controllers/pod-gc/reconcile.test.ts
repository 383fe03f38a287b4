import test from 'ava';
import { R } from '../common/resources.ts';
import type { Pod } from '../common/pods.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import type { Node } from '../node-lifecycle/taints.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { GC_CHECK_PERIOD_MS, newPodGcReconciler, POD_GC_KEY, QUARANTINE_MS, REASON_DELETION_BY_POD_GC, terminatedToDelete } from './reconcile.ts';

const at = (s: number) => new Date(Date.parse('2025-01-01T00:00:00Z') + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pod = (name: string, o: { phase?: string; node?: string; created?: number; deleting?: boolean } = {}): Pod => ({
  metadata: { name, namespace: 'a', creationTimestamp: at(o.created ?? 0), ...(o.deleting ? { deletionTimestamp: at(0) } : {}) },
  spec: o.node ? { nodeName: o.node } : {},
  status: { phase: o.phase ?? 'Running' },
});
const node = (name: string, ready = true, taints: Node['spec'] = {}): Node => ({ metadata: { name }, spec: taints, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown' }] } });

const thresholdCases = [
  { name: 'under the threshold: nothing', pods: [pod('a', { phase: 'Failed' })], threshold: 2, expect: [] as string[] },
  { name: 'over: oldest terminated first', pods: [pod('new', { phase: 'Succeeded', created: 30 }), pod('old', { phase: 'Failed', created: 10 }), pod('mid', { phase: 'Succeeded', created: 20 }), pod('run', { created: 0 })], threshold: 1, expect: ['old', 'mid'] },
  { name: 'zero disables', pods: [pod('a', { phase: 'Failed' })], threshold: 0, expect: [] },
];
for (const c of thresholdCases) test(`threshold: ${c.name}`, (t) => t.deepEqual(terminatedToDelete(c.pods, c.threshold).map((p) => p.metadata?.name), c.expect));

interface Case {
  name: string;
  nodes: Node[];
  pods: Pod[];
  threshold?: number;
  /** Advance the clock past the quarantine and run again. */
  waitQuarantine?: boolean;
  expectGone: string[];
}

const cases: Case[] = [
  { name: 'deletes terminated pods over the threshold', nodes: [node('n1')], pods: [pod('f1', { phase: 'Failed', node: 'n1', created: 1 }), pod('f2', { phase: 'Failed', node: 'n1', created: 2 }), pod('r', { node: 'n1' })], threshold: 1, expectGone: ['f1'] },
  { name: 'orphans wait out the quarantine', nodes: [], pods: [pod('o', { node: 'gone' })], expectGone: [] },
  { name: 'orphans go after the quarantine', nodes: [], pods: [pod('o', { node: 'gone' }), pod('unbound')], waitQuarantine: true, expectGone: ['o'] },
  { name: 'unscheduled pods being deleted are force-deleted', nodes: [], pods: [pod('t', { deleting: true })], expectGone: ['t'] },
  { name: 'terminating on a ready node: left to the kubelet', nodes: [node('n1')], pods: [pod('t', { node: 'n1', deleting: true })], expectGone: [] },
  { name: 'terminating on a not-ready node without out-of-service: kept', nodes: [node('n1', false)], pods: [pod('t', { node: 'n1', deleting: true })], expectGone: [] },
  {
    name: 'terminating on an out-of-service not-ready node: force-deleted',
    nodes: [node('n1', false, { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] })],
    pods: [pod('t', { node: 'n1', deleting: true }), pod('r', { node: 'n1' })],
    expectGone: ['t'],
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    for (const n of c.nodes) env.client.seed(NODES, n);
    const before = c.pods.map((p) => env.client.seed(R.pods, p));
    const reconcile = newPodGcReconciler({ ...env.ctx, threshold: c.threshold });
    await reconcile(POD_GC_KEY);
    if (c.waitQuarantine) {
      env.clock.advance(QUARANTINE_MS);
      await reconcile(POD_GC_KEY);
    }
    const left = new Set(env.client.all<Pod>(R.pods).map((p) => p.metadata?.name));
    t.deepEqual(before.map((p) => p.metadata?.name ?? '').filter((n) => !left.has(n)).sort(), [...c.expectGone].sort());
  });
}

test('force deletes carry grace 0 and a UID precondition; orphans are marked Failed first', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.pods, pod('o', { node: 'gone' }));
  const deletes: unknown[] = [];
  const del = env.client.delete.bind(env.client);
  env.client.delete = async (r, ns, name, opts) => {
    deletes.push(opts);
    const p = env.client.peek<Pod>(R.pods, ns, name);
    t.is(p?.status?.phase, 'Failed');
    t.like(p?.status?.conditions?.[0], { type: 'DisruptionTarget', reason: REASON_DELETION_BY_POD_GC });
    return del(r, ns, name, opts);
  };
  const reconcile = newPodGcReconciler(env.ctx);
  t.is((await reconcile(POD_GC_KEY)).requeueAfterMs, GC_CHECK_PERIOD_MS);
  env.clock.advance(QUARANTINE_MS);
  await reconcile(POD_GC_KEY);
  t.like(deletes[0], { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' } });
});

test('a node that reappears in the apiserver is not treated as gone', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.pods, pod('p', { node: 'n1' }));
  const reconcile = newPodGcReconciler(env.ctx);
  env.informers.pause();
  env.client.seed(NODES, node('n1'));
  await reconcile(POD_GC_KEY);
  env.clock.advance(QUARANTINE_MS);
  await reconcile(POD_GC_KEY);
  t.is(env.client.all(R.pods).length, 1);
});
