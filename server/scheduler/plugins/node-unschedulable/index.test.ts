import test from 'ava';
import { makeNode, makePod, nodeInfo, podInfo } from '../../testing/objects.ts';
import { CycleState } from '../../types.ts';
import { ERR_REASON_UNSCHEDULABLE, newNodeUnschedulable, UNSCHEDULABLE_TAINT } from './index.ts';

const cases = [
  { name: 'schedulable node', unschedulable: false, tolerations: [], code: 'Success' },
  { name: 'cordoned node', unschedulable: true, tolerations: [], code: 'UnschedulableAndUnresolvable' },
  { name: 'cordoned node, pod tolerates the taint', unschedulable: true, tolerations: [{ key: UNSCHEDULABLE_TAINT, operator: 'Exists', effect: 'NoSchedule' }], code: 'Success' },
  { name: 'cordoned node, toleration for another effect', unschedulable: true, tolerations: [{ key: UNSCHEDULABLE_TAINT, operator: 'Exists', effect: 'NoExecute' }], code: 'UnschedulableAndUnresolvable' },
  { name: 'cordoned node, tolerate everything', unschedulable: true, tolerations: [{ operator: 'Exists' }], code: 'Success' },
];

for (const tc of cases) {
  test(tc.name, (t) => {
    const s = newNodeUnschedulable().filter(new CycleState(), podInfo(makePod('p', { spec: { tolerations: tc.tolerations } })), nodeInfo(makeNode('n', { unschedulable: tc.unschedulable })));
    t.is(s.code as string, tc.code);
    if (s.code !== 'Success') t.deepEqual(s.reasons, [ERR_REASON_UNSCHEDULABLE]);
  });
}
