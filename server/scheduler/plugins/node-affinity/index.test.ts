import test from 'ava';
import { cacheOf, makeNode, makePod, nodeInfo, podInfo } from '../../testing/objects.ts';
import { CycleState } from '../../types.ts';
import { ERR_REASON_POD, defaultNormalize, fits, newNodeAffinity, type NodeSelectorTerm } from './index.ts';

const node = makeNode('n1', { labels: { zone: 'a', disk: 'ssd', cores: '8' } });
const required = (terms: NodeSelectorTerm[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

const cases: Array<{ name: string; spec: Record<string, unknown>; fits: boolean }> = [
  { name: 'nothing required', spec: {}, fits: true },
  { name: 'nodeSelector matches', spec: { nodeSelector: { zone: 'a' } }, fits: true },
  { name: 'nodeSelector does not match', spec: { nodeSelector: { zone: 'b' } }, fits: false },
  { name: 'In matches', spec: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }]), fits: true },
  { name: 'NotIn excludes', spec: required([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }]), fits: false },
  { name: 'Exists', spec: required([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }]), fits: true },
  { name: 'DoesNotExist', spec: required([{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }]), fits: true },
  { name: 'Gt', spec: required([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }]), fits: true },
  { name: 'Lt', spec: required([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }]), fits: false },
  { name: 'terms are ORed', spec: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }]), fits: true },
  { name: 'expressions within a term are ANDed', spec: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }]), fits: false },
  { name: 'matchFields on metadata.name', spec: required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]), fits: true },
  { name: 'empty term matches nothing', spec: required([{}]), fits: false },
  { name: 'no terms match nothing', spec: required([]), fits: false },
  { name: 'both nodeSelector and affinity must match', spec: { nodeSelector: { zone: 'b' }, ...required([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }]) }, fits: false },
];

for (const tc of cases) {
  test(`filter: ${tc.name}`, (t) => {
    const pod = makePod('p', { spec: tc.spec });
    t.is(fits(pod, node), tc.fits);
    const s = newNodeAffinity().filter(new CycleState(), podInfo(pod), nodeInfo(node));
    t.is(s.code, tc.fits ? 'Success' : 'UnschedulableAndUnresolvable');
    if (!tc.fits) t.deepEqual(s.reasons, [ERR_REASON_POD]);
  });
}

test('score: preferred terms add their weights, normalized to the best node', (t) => {
  const pl = newNodeAffinity();
  const pod = podInfo(makePod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 30, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          ],
        },
      },
    },
  }));
  const nodes = [makeNode('a', { labels: { zone: 'a' } }), makeNode('b', { labels: { zone: 'a', disk: 'ssd' } }), makeNode('c')];
  const state = new CycleState();
  pl.preScore(state, pod, [], cacheOf([]));
  const scores = nodes.map((n) => pl.score(state, pod, nodeInfo(n)));
  t.deepEqual(scores, [10, 40, 0]);
  pl.normalizeScore?.(state, pod, scores);
  t.deepEqual(scores, [25, 100, 0]);
});

test('defaultNormalize: all zero, reversed', (t) => {
  const s = [0, 0];
  defaultNormalize(s, true);
  t.deepEqual(s, [100, 100]);
});

test('PreFilter and PreScore skip a pod with nothing required or preferred, as upstream', (t) => {
  const pl = newNodeAffinity();
  const snapshot = cacheOf([]);
  t.is(pl.preFilter(new CycleState(), podInfo(makePod('p')), snapshot).code, 'Skip');
  t.is(pl.preScore(new CycleState(), podInfo(makePod('p')), [], snapshot).code, 'Skip');
  t.is(pl.preFilter(new CycleState(), podInfo(makePod('p', { spec: { nodeSelector: { zone: 'a' } } })), snapshot).code, 'Success');
  const required = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }] } } };
  t.is(pl.preFilter(new CycleState(), podInfo(makePod('p', { spec: { affinity: required } })), snapshot).code, 'Success');
  t.is(pl.preScore(new CycleState(), podInfo(makePod('p', { spec: { affinity: required } })), [], snapshot).code, 'Skip');
});
