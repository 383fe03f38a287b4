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

export function nodeFractions(pod: PodInfo, node: NodeInfo): number[] {
  const out: number[] = [];
  const cpu = node.allocatable.get('cpu') ?? 0;
  const mem = node.allocatable.get('memory') ?? 0;
  if (cpu > 0) out.push((node.nonZeroCpu + pod.nonZeroCpu) / cpu);
  if (mem > 0) out.push((node.nonZeroMemory + pod.nonZeroMemory) / mem);
  return out;
}

export function newNodeResourcesBalancedAllocation(): ScorePlugin {
  return {
    name: NAME,
    score(_state, pod: PodInfo, node: NodeInfo): number {
      return balancedScore(nodeFractions(pod, node));
    },
  };
}
