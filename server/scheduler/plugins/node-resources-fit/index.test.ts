import test from 'ava';
import { makeNode, makePod, nodeInfo, podInfo } from '../../testing/objects.ts';
import { CycleState, type Pod } from '../../types.ts';
import { fits, fitsQuickly, leastAllocated, leastAllocatedScore, newNodeResourcesFit } from './index.ts';

const node = makeNode('n', { cpu: '2', memory: '4Gi', pods: '3', extra: { 'example.com/gpu': '1' } });
const gpuPod = (n: string) => makePod('g', { containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': n } } }] });

const cases: Array<{ name: string; pod: Pod; existing: Pod[]; code: string; reasons?: string[] }> = [
  { name: 'fits on an empty node', pod: makePod('p', { cpu: '1', memory: '1Gi' }), existing: [], code: 'Success' },
  { name: 'cpu taken by existing pods', pod: makePod('p', { cpu: '1' }), existing: [makePod('e', { cpu: '1500m' })], code: 'Unschedulable', reasons: ['Insufficient cpu'] },
  {
    name: 'cpu and memory both short',
    pod: makePod('p', { cpu: '1', memory: '2Gi' }),
    existing: [makePod('e', { cpu: '1500m', memory: '3Gi' })],
    code: 'Unschedulable',
    reasons: ['Insufficient cpu', 'Insufficient memory'],
  },
  { name: 'more than the node has at all is unresolvable', pod: makePod('p', { cpu: '3' }), existing: [], code: 'UnschedulableAndUnresolvable', reasons: ['Insufficient cpu'] },
  { name: 'too many pods', pod: makePod('p'), existing: [makePod('a'), makePod('b'), makePod('c')], code: 'Unschedulable', reasons: ['Too many pods'] },
  { name: 'a pod requesting nothing only needs a pod slot', pod: makePod('p'), existing: [makePod('e', { cpu: '2', memory: '4Gi' })], code: 'Success' },
  { name: 'extended resource available', pod: gpuPod('1'), existing: [], code: 'Success' },
  { name: 'extended resource taken', pod: gpuPod('1'), existing: [gpuPod('1')], code: 'Unschedulable', reasons: ['Insufficient example.com/gpu'] },
  {
    name: 'init container max rule',
    pod: makePod('p', { spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '1500m' } } }] }, cpu: '100m' }),
    existing: [makePod('e', { cpu: '1' })],
    code: 'Unschedulable',
    reasons: ['Insufficient cpu'],
  },
  { name: 'pod overhead counts', pod: makePod('p', { cpu: '900m', spec: { overhead: { cpu: '200m' } } }), existing: [makePod('e', { cpu: '1' })], code: 'Unschedulable', reasons: ['Insufficient cpu'] },
];

for (const tc of cases) {
  test(`filter: ${tc.name}`, (t) => {
    const existing = tc.existing.map((p, i) => ({ ...p, metadata: { ...p.metadata, name: `existing-${i}` } }));
    const s = newNodeResourcesFit().filter(new CycleState(), podInfo(tc.pod), nodeInfo(node, existing));
    t.is(s.code as string, tc.code);
    if (tc.reasons) t.deepEqual(s.reasons, tc.reasons);
  });
}

const scoreCases = [
  { name: 'empty node', requested: 0, capacity: 4000, want: 100 },
  { name: 'half used', requested: 2000, capacity: 4000, want: 50 },
  { name: 'over capacity', requested: 5000, capacity: 4000, want: 0 },
  { name: 'no capacity', requested: 0, capacity: 0, want: 0 },
];
for (const tc of scoreCases) test(`leastAllocated: ${tc.name}`, (t) => t.is(leastAllocated(tc.requested, tc.capacity), tc.want));

test('leastAllocatedScore prefers the emptier node and counts non-zero defaults', (t) => {
  const pod = podInfo(makePod('p', { cpu: '1', memory: '1Gi' }));
  const big = makeNode('big', { cpu: '4', memory: '8Gi' });
  const busy = nodeInfo(big, [makePod('e', { cpu: '2', memory: '4Gi' })]);
  t.is(leastAllocatedScore(pod, nodeInfo(big)), 81); // cpu (3000/4000)=75, memory (7/8)=87
  t.is(leastAllocatedScore(pod, busy), 31); // cpu 25, memory 37
  const noRequests = podInfo(makePod('q'));
  t.is(leastAllocatedScore(noRequests, nodeInfo(big)), Math.floor((97 + 97) / 2));
});

test('fitsQuickly agrees with fits on every case above and on a crowded node', (t) => {
  const crowded = Array.from({ length: 3 }, (_, i) => makePod(`c${i}`, { cpu: '500m', memory: '1Gi' }));
  for (const tc of cases) {
    for (const existing of [tc.existing, crowded]) {
      const ni = nodeInfo(node, existing.map((p, i) => ({ ...p, metadata: { ...p.metadata, name: `existing-${i}` } })));
      const pod = podInfo(tc.pod);
      t.is(fitsQuickly(pod, ni), fits(pod, ni).length === 0, tc.name);
    }
  }
});
