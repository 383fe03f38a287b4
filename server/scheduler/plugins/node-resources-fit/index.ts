// NodeResourcesFit: the pod's requests (cpu, memory, ephemeral-storage, extended resources) and
// one more pod must fit in what the node has left; scores nodes with LeastAllocated (the more
// cpu and memory left after placing the pod, the better).

import {
  MAX_NODE_SCORE, SUCCESS, unresolvable, unschedulable,
  type ClusterEvent, type FilterPlugin, type NodeInfo, type PodInfo, type ScorePlugin, type Status,
} from '../../types.ts';

export const NAME = 'NodeResourcesFit';
export const REASON_TOO_MANY_PODS = 'Too many pods';

export interface InsufficientResource {
  resource: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The pod would not fit even on the empty node: preemption cannot help. */
  unresolvable: boolean;
}

export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`;
}

/** What the node lacks for this pod; empty when it fits (upstream's fitsRequest). */
export function fits(pod: PodInfo, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const allowedPods = node.allocatable.get('pods') ?? 0;
  if (node.pods.size + 1 > allowedPods) {
    out.push({ resource: 'pods', reason: REASON_TOO_MANY_PODS, requested: 1, used: node.pods.size, capacity: allowedPods, unresolvable: false });
  }
  for (const [resource, requested] of pod.requests) {
    if (requested <= 0 || resource === 'pods') continue;
    const capacity = node.allocatable.get(resource) ?? 0;
    const used = node.requested.get(resource) ?? 0;
    if (requested > capacity - used) {
      out.push({ resource, reason: insufficientReason(resource), requested, used, capacity, unresolvable: requested > capacity });
    }
  }
  return out;
}

/** LeastAllocated for one resource: share of capacity left after placing the pod, 0..100. */
export function leastAllocated(requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastAllocated(node.nonZeroCpu + pod.nonZeroCpu, node.allocatable.get('cpu') ?? 0);
  const mem = leastAllocated(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.get('memory') ?? 0);
  return Math.floor((cpu + mem) / 2);
}

export function newNodeResourcesFit(): FilterPlugin & ScorePlugin {
  return {
    name: NAME,
    filter(_state, pod: PodInfo, node: NodeInfo): Status {
      const missing = fits(pod, node);
      if (missing.length === 0) return SUCCESS;
      const reasons = missing.map((m) => m.reason);
      return missing.some((m) => m.unresolvable) ? unresolvable(...reasons) : unschedulable(...reasons);
    },
    score(_state, pod: PodInfo, node: NodeInfo): number {
      return leastAllocatedScore(pod, node);
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'Update' },
      { resource: 'Pod', action: 'Delete' },
      { resource: 'Pod', action: 'Update' },
    ],
  };
}
