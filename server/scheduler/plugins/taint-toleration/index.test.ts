import test from 'ava';
import type { Toleration } from '../../../../api/core/pod/types.ts';
import { cacheOf, makeNode, makePod, nodeInfo, podInfo } from '../../testing/objects.ts';
import { CycleState, type Taint } from '../../types.ts';
import { countIntolerablePreferNoSchedule, newTaintToleration, tolerates } from './index.ts';

const cp: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

const tolerateCases: Array<{ name: string; tol: Toleration; taint: Taint; want: boolean }> = [
  { name: 'Equal with same value', tol: { key: 'k', value: 'v', effect: 'NoSchedule' }, taint: { key: 'k', value: 'v', effect: 'NoSchedule' }, want: true },
  { name: 'Equal with other value', tol: { key: 'k', value: 'w' }, taint: { key: 'k', value: 'v', effect: 'NoSchedule' }, want: false },
  { name: 'Exists on key, any effect', tol: { key: 'k', operator: 'Exists' }, taint: { key: 'k', value: 'v', effect: 'NoExecute' }, want: true },
  { name: 'effect mismatch', tol: { key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint: { key: 'k', effect: 'NoSchedule' }, want: false },
  { name: 'empty key with Exists tolerates all', tol: { operator: 'Exists' }, taint: cp, want: true },
  { name: 'other key', tol: { key: 'x', operator: 'Exists' }, taint: cp, want: false },
  { name: 'unknown operator', tol: { key: 'k', operator: 'Gt', value: '1' }, taint: { key: 'k', value: '1', effect: 'NoSchedule' }, want: false },
];

for (const tc of tolerateCases) test(`tolerates: ${tc.name}`, (t) => t.is(tolerates(tc.tol, tc.taint), tc.want));

const filterCases: Array<{ name: string; taints: Taint[]; tolerations: Toleration[]; reason?: string }> = [
  { name: 'no taints', taints: [], tolerations: [] },
  { name: 'control-plane taint', taints: [cp], tolerations: [], reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
  { name: 'taint with value', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }], tolerations: [], reason: 'node(s) had untolerated taint {dedicated: gpu}' },
  { name: 'PreferNoSchedule does not filter', taints: [{ key: 'k', effect: 'PreferNoSchedule' }], tolerations: [] },
  { name: 'tolerated', taints: [cp], tolerations: [{ key: cp.key, operator: 'Exists', effect: 'NoSchedule' }] },
];

for (const tc of filterCases) {
  test(`filter: ${tc.name}`, (t) => {
    const s = newTaintToleration().filter(new CycleState(), podInfo(makePod('p', { spec: { tolerations: tc.tolerations } })), nodeInfo(makeNode('n', { taints: tc.taints })));
    if (tc.reason) {
      t.is(s.code, 'UnschedulableAndUnresolvable');
      t.deepEqual(s.reasons, [tc.reason]);
    } else t.is(s.code, 'Success');
  });
}

test('score: fewer intolerable PreferNoSchedule taints score higher', (t) => {
  const pl = newTaintToleration();
  const pod = podInfo(makePod('p', { spec: { tolerations: [{ key: 'ok', operator: 'Exists', effect: 'PreferNoSchedule' }] } }));
  const soft = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' });
  const nodes = [makeNode('a'), makeNode('b', { taints: [soft('x')] }), makeNode('c', { taints: [soft('x'), soft('y')] }), makeNode('d', { taints: [soft('ok')] })];
  const state = new CycleState();
  pl.preScore(state, pod, [], cacheOf([]));
  const scores = nodes.map((n) => pl.score(state, pod, nodeInfo(n)));
  t.deepEqual(scores, [0, 1, 2, 0]);
  pl.normalizeScore?.(state, pod, scores);
  t.deepEqual(scores, [100, 50, 0, 100]);
  t.is(countIntolerablePreferNoSchedule([soft('x')], [{ operator: 'Exists' }]), 0);
});
