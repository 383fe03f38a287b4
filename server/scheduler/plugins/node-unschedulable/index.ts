// NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.

import { SUCCESS, unresolvable, type ClusterEvent, type FilterPlugin, type Node, type NodeInfo, type Pod, type PodInfo, type Status } from '../../types.ts';
import { toleratedBy } from '../taint-toleration/index.ts';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export function fits(pod: Pod, node: Node): boolean {
  if (!node.spec?.unschedulable) return true;
  return toleratedBy(pod.spec?.tolerations, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
}

export function newNodeUnschedulable(): FilterPlugin {
  return {
    name: NAME,
    filter(_state, pod: PodInfo, node: NodeInfo): Status {
      if (!node.unschedulable) return SUCCESS;
      return fits(pod.pod, node.node) ? SUCCESS : unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'Update' },
      { resource: 'Pod', action: 'Update' },
    ],
  };
}
