// NodePorts: a pod's hostPorts must be free on the node. 0.0.0.0 (or no hostIP) conflicts with
// every address; a specific address conflicts with itself and with 0.0.0.0.

import {
  SKIP, SUCCESS, unschedulable,
  type ClusterEvent, type FilterPlugin, type HostPort, type NodeInfo, type PodInfo, type PreFilterPlugin, type Status,
} from '../../types.ts';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
const ANY = '0.0.0.0';

export function fits(wanted: HostPort[], used: Map<string, Set<string>>): boolean {
  for (const hp of wanted) {
    const ips = used.get(`${hp.protocol}/${hp.port}`);
    if (!ips || ips.size === 0) continue;
    if (hp.hostIP === ANY || ips.has(ANY) || ips.has(hp.hostIP)) return false;
  }
  return true;
}

export function newNodePorts(): PreFilterPlugin & FilterPlugin {
  return {
    name: NAME,
    // As upstream: a pod without hostPorts cannot conflict anywhere.
    preFilter(_state, pod: PodInfo): Status {
      return pod.hostPorts.length === 0 ? SKIP : SUCCESS;
    },
    filter(_state, pod: PodInfo, node: NodeInfo): Status {
      if (pod.hostPorts.length === 0) return SUCCESS;
      return fits(pod.hostPorts, node.usedPorts) ? SUCCESS : unschedulable(ERR_REASON);
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Node', action: 'Add' },
      { resource: 'Pod', action: 'Delete' },
    ],
  };
}
