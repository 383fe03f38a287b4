// NodeResourcesBalancedAllocation: prefer nodes where cpu and memory would be used in similar
// proportions after placing the pod (1 - standard deviation of the used fractions).

import { MAX_NODE_SCORE, type NodeInfo, type PodInfo, type ScorePlugin } from '../../types.ts';

export const NAME = 'NodeResourcesBalancedAllocation';

/** Score from the used fractions of each resource (each capped at 1). */
export function balancedScore(fractions: number[]): number {
  if (fractions.length === 0) return MAX_NODE_SCORE;
  const f = fractions.map((x) => Math.min(x, 1));
  const mean = f.reduce((a, b) => a + b, 0) / f.length;
  const variance = f.reduce((a, b) => a + (b - mean) ** 2, 0) / f.length;
  return Math.floor((1 - Math.sqrt(variance)) * MAX_NODE_SCORE);
}

/**
 * balancedScore of the node's cpu and memory fractions after placing the pod, computed without
 * arrays (Score runs for every feasible node): the same arithmetic, in the same order.
 */
export function nodeScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = node.allocatableCpu;
  const mem = node.allocatableMemory;
  let n = 0;
  let a = 0;
  let b = 0;
  if (cpu > 0) {
    a = Math.min((node.nonZeroCpu + pod.nonZeroCpu) / cpu, 1);
    n++;
  }
  if (mem > 0) {
    const f = Math.min((node.nonZeroMemory + pod.nonZeroMemory) / mem, 1);
    if (n === 0) a = f;
    else b = f;
    n++;
  }
  // One fraction has no spread at all.
  if (n < 2) return MAX_NODE_SCORE;
  const mean = (a + b) / 2;
  const variance = ((a - mean) ** 2 + (b - mean) ** 2) / 2;
  return Math.floor((1 - Math.sqrt(variance)) * MAX_NODE_SCORE);
}

export function newNodeResourcesBalancedAllocation(): ScorePlugin {
  return {
    name: NAME,
    score(_state, pod: PodInfo, node: NodeInfo): number {
      return nodeScore(pod, node);
    },
  };
}
