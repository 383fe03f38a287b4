import test from 'ava';
import { makeNode, makePod, nodeInfo, podInfo } from '../../testing/objects.ts';
import { CycleState } from '../../types.ts';
import { balancedScore, newNodeResourcesBalancedAllocation } from './index.ts';

const cases = [
  { name: 'equal fractions', fractions: [0.5, 0.5], want: 100 },
  { name: 'cpu full, memory empty', fractions: [1, 0], want: 50 },
  { name: 'fractions above 1 are capped', fractions: [2, 0], want: 50 },
  { name: 'quarter apart', fractions: [0.75, 0.25], want: 75 },
  { name: 'no resources', fractions: [], want: 100 },
];
for (const tc of cases) test(`balancedScore: ${tc.name}`, (t) => t.is(balancedScore(tc.fractions), tc.want));

test('score: balanced node beats lopsided one', (t) => {
  const pl = newNodeResourcesBalancedAllocation();
  const pod = podInfo(makePod('p', { cpu: '1', memory: '2Gi' }));
  const n = makeNode('n', { cpu: '4', memory: '8Gi' });
  const balanced = pl.score(new CycleState(), pod, nodeInfo(n));
  const lopsided = pl.score(new CycleState(), pod, nodeInfo(n, [makePod('e', { cpu: '2' })]));
  t.is(balanced, 100);
  t.true(lopsided < balanced);
});

test('nodeScore (no arrays) equals balancedScore of the node fractions', (t) => {
  const pl = newNodeResourcesBalancedAllocation();
  for (const [cpu, memory] of [['4', '8Gi'], ['3', '7Gi'], ['0', '8Gi'], ['4', '0'], ['0', '0']]) {
    const n = makeNode('n', { cpu, memory });
    for (const used of [0, 1, 7, 33]) {
      const existing = Array.from({ length: used }, (_, i) => makePod(`e${i}`, { cpu: `${(i * 37) % 500}m`, memory: `${(i * 53) % 300}Mi` }));
      const ni = nodeInfo(n, existing);
      for (const pod of [podInfo(makePod('p', { cpu: '250m', memory: '100Mi' })), podInfo(makePod('q'))]) {
        const fractions: number[] = [];
        if (ni.allocatableCpu > 0) fractions.push((ni.nonZeroCpu + pod.nonZeroCpu) / ni.allocatableCpu);
        if (ni.allocatableMemory > 0) fractions.push((ni.nonZeroMemory + pod.nonZeroMemory) / ni.allocatableMemory);
        t.is(pl.score(new CycleState(), pod, ni), balancedScore(fractions), `cpu ${cpu} memory ${memory} used ${used}`);
      }
    }
  }
});
