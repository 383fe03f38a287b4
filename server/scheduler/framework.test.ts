import test from 'ava';
import { defaultPlugins } from './plugins/registry.ts';
import { cacheOf, makeNode, makePod, podInfo } from './testing/objects.ts';
import { FitError, Framework, fitErrorMessage, numFeasibleNodesToFind } from './framework.ts';
import { CycleState, unschedulable, unresolvable, type Status } from './types.ts';

const sampleCases = [
  { nodes: 3, pct: 0, want: 3 },
  { nodes: 99, pct: 0, want: 99 },
  { nodes: 100, pct: 0, want: 100 },
  { nodes: 1000, pct: 0, want: 420 },
  { nodes: 5000, pct: 0, want: 500 },
  { nodes: 6000, pct: 0, want: 300 },
  { nodes: 1000, pct: 5, want: 100 },
  { nodes: 1000, pct: 100, want: 1000 },
];
for (const tc of sampleCases) {
  test(`numFeasibleNodesToFind(${tc.nodes}, ${tc.pct}) = ${tc.want}`, (t) => t.is(numFeasibleNodesToFind(tc.nodes, tc.pct), tc.want));
}

test('fitErrorMessage: sorted histogram and the postfilter tail', (t) => {
  const statuses = new Map<string, Status>([
    ['a', unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
    ['b', unschedulable('Insufficient cpu')],
    ['c', unschedulable('Insufficient cpu', 'Insufficient memory')],
  ]);
  t.is(
    fitErrorMessage(3, statuses, '', 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling'),
    '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  );
  t.is(fitErrorMessage(2, new Map(), 'pod has unbound immediate PersistentVolumeClaims'), '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
});

function fail(nodes: ReturnType<typeof makeNode>[], pod: ReturnType<typeof makePod>, existing: ReturnType<typeof makePod>[] = []): FitError {
  const fw = new Framework(defaultPlugins());
  try {
    fw.schedulePod(new CycleState(), podInfo(pod), cacheOf(nodes, existing));
  } catch (err) {
    if (err instanceof FitError) return err;
    throw err;
  }
  throw new Error('pod was scheduled');
}

test('FailedScheduling message for a tainted control plane and two full nodes', (t) => {
  const cp = makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
  const nodes = [cp, makeNode('w1', { cpu: '2' }), makeNode('w2', { cpu: '2' })];
  const busy = [makePod('x', { cpu: '1500m', nodeName: 'w1' }), makePod('y', { cpu: '1500m', nodeName: 'w2' })];
  const err = fail(nodes, makePod('p', { cpu: '1' }), busy);
  t.is(
    err.message,
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
  );
  t.deepEqual([...err.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
});

test('FailedScheduling message when preemption cannot help anywhere', (t) => {
  const err = fail([makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })], makePod('p', { cpu: '2' }));
  t.is(err.message, '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
});

test('FailedScheduling message for a pod that may not preempt', (t) => {
  const err = fail([makeNode('a', { labels: { zone: 'x' } })], makePod('p', { spec: { nodeSelector: { zone: 'y' }, preemptionPolicy: 'Never' } }));
  t.is(err.message, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: not eligible due to preemptionPolicy=Never.");
});

test('schedulePod picks the least allocated node and samples from a rotating start', (t) => {
  const fw = new Framework(defaultPlugins());
  const cache = cacheOf([makeNode('a'), makeNode('b'), makeNode('c')], [makePod('x', { cpu: '3', nodeName: 'a' }), makePod('y', { cpu: '2', nodeName: 'b' })]);
  const r = fw.schedulePod(new CycleState(), podInfo(makePod('p', { cpu: '500m' })), cache);
  t.is(r.nodeName, 'c');
  t.is(r.feasibleNodes, 3);
});

test('schedulePod stops after enough feasible nodes', (t) => {
  const fw = new Framework({ ...defaultPlugins(), percentageOfNodesToScore: 10 });
  const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${String(i).padStart(4, '0')}`));
  const cache = cacheOf(nodes);
  const r1 = fw.schedulePod(new CycleState(), podInfo(makePod('p')), cache);
  t.is(r1.evaluatedNodes, 100);
  const r2 = fw.schedulePod(new CycleState(), podInfo(makePod('q')), cache);
  t.is(r2.evaluatedNodes, 100);
  t.true(Number(r2.nodeName.slice(1)) >= 100, 'the second cycle starts where the first stopped');
});

test("a ReplicaSet's replicas spread over identical nodes (upstream's default topology spread)", (t) => {
  // Ties go to the first best node, and the nodes are so large that one pod's default request
  // (100m, 200Mi) moves no resource score: only the default spread constraint tells them apart.
  const fw = new Framework({ ...defaultPlugins(), random: () => 0.999 });
  const cache = cacheOf(['n1', 'n2', 'n3'].map((n) => makeNode(n, { cpu: '256', memory: '1Ti' })));
  for (let i = 0; i < 3; i++) {
    const p = makePod(`web-${i}`, { labels: { app: 'web' } });
    p.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'web-uid', controller: true }];
    const r = fw.schedulePod(new CycleState(), podInfo(p), cache);
    cache.setPod({ ...p, spec: { ...p.spec, nodeName: r.nodeName } });
  }
  t.deepEqual(cache.list().map((n) => n.pods.size), [1, 1, 1]);
});
