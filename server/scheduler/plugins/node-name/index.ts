// NodeName: a pod that names its node fits only that node.

import {
  SKIP, SUCCESS, unresolvable, type ClusterEvent, type FilterPlugin, type NodeInfo, type Pod, type PreFilterPlugin, type Status,
} from '../../types.ts';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

export function fits(pod: Pod, nodeName: string): boolean {
  const want = pod.spec?.nodeName;
  return !want || want === nodeName;
}

export function newNodeName(): PreFilterPlugin & FilterPlugin {
  return {
    name: NAME,
    // A pod that names no node fits every node: no need to ask each one.
    preFilter(_state, pod): Status {
      return pod.pod.spec?.nodeName ? SUCCESS : SKIP;
    },
    filter(_state, pod, node: NodeInfo): Status {
      return fits(pod.pod, node.name) ? SUCCESS : unresolvable(ERR_REASON);
    },
    eventsToRegister: (): ClusterEvent[] => [{ resource: 'Node', action: 'Add' }],
  };
}
