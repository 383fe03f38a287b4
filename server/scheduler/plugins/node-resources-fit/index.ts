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
  const allowedPods = node.allowedPods;
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

/** Whether the pod fits, without saying why: the Filter's fast path, numbers only. */
export function fitsQuickly(pod: PodInfo, node: NodeInfo): boolean {
  if (node.pods.size + 1 > node.allowedPods) return false;
  if (pod.cpu > 0 && pod.cpu > node.allocatableCpu - node.requestedCpu) return false;
  if (pod.memory > 0 && pod.memory > node.allocatableMemory - node.requestedMemory) return false;
  if (pod.ephemeralStorage > 0 && pod.ephemeralStorage > node.allocatableEphemeralStorage - node.requestedEphemeralStorage) return false;
  const scalar = pod.scalarRequests;
  for (let i = 0; i < scalar.length; i++) {
    const resource = scalar[i][0];
    const requested = scalar[i][1];
    if (requested > 0 && requested > (node.allocatable.get(resource) ?? 0) - (node.requested.get(resource) ?? 0)) return false;
  }
  return true;
}

/** LeastAllocated for one resource: share of capacity left after placing the pod, 0..100. */
export function leastAllocated(requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastAllocated(node.nonZeroCpu + pod.nonZeroCpu, node.allocatableCpu);
  const mem = leastAllocated(node.nonZeroMemory + pod.nonZeroMemory, node.allocatableMemory);
  return Math.floor((cpu + mem) / 2);
}

export function newNodeResourcesFit(): FilterPlugin & ScorePlugin {
  return {
    name: NAME,
    filter(_state, pod: PodInfo, node: NodeInfo): Status {
      if (fitsQuickly(pod, node)) return SUCCESS;
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
