// The in-tree plugins, in upstream's default order (filters run in this order and stop at the
// first rejection, so the order decides which reason a node reports), with score weights.

import type { Plugin } from '../types.ts';
import { NAME as VOLUME_BINDING, newVolumeBinding, type VolumeBindingDeps } from './volume-binding/index.ts';
import { NAME as DEFAULT_PREEMPTION, newDefaultPreemption } from './default-preemption/index.ts';
import { NAME as INTER_POD_AFFINITY, newInterPodAffinity } from './inter-pod-affinity/index.ts';
import { NAME as NODE_AFFINITY, newNodeAffinity } from './node-affinity/index.ts';
import { NAME as NODE_NAME, newNodeName } from './node-name/index.ts';
import { NAME as NODE_PORTS, newNodePorts } from './node-ports/index.ts';
import { NAME as BALANCED, newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation/index.ts';
import { NAME as NODE_RESOURCES_FIT, newNodeResourcesFit } from './node-resources-fit/index.ts';
import { NAME as NODE_UNSCHEDULABLE, newNodeUnschedulable } from './node-unschedulable/index.ts';
import { NAME as POD_TOPOLOGY_SPREAD, newPodTopologySpread } from './pod-topology-spread/index.ts';
import { NAME as TAINT_TOLERATION, newTaintToleration } from './taint-toleration/index.ts';

export interface RegistryEntry {
  name: string;
  factory: () => Plugin;
  /** Score weight (upstream's default profile). */
  weight?: number;
}

export const inTreeRegistry: RegistryEntry[] = [
  { name: NODE_UNSCHEDULABLE, factory: newNodeUnschedulable },
  { name: NODE_NAME, factory: newNodeName },
  { name: TAINT_TOLERATION, factory: newTaintToleration, weight: 3 },
  { name: NODE_AFFINITY, factory: newNodeAffinity, weight: 2 },
  { name: NODE_PORTS, factory: newNodePorts },
  { name: NODE_RESOURCES_FIT, factory: newNodeResourcesFit, weight: 1 },
  { name: POD_TOPOLOGY_SPREAD, factory: newPodTopologySpread, weight: 2 },
  { name: INTER_POD_AFFINITY, factory: newInterPodAffinity, weight: 2 },
  { name: BALANCED, factory: newNodeResourcesBalancedAllocation, weight: 1 },
  { name: DEFAULT_PREEMPTION, factory: newDefaultPreemption },
];

/** Plugins and weights for a profile; `disabled` names plugins to leave out; `cluster` adds VolumeBinding. */
export function defaultPlugins(disabled: string[] = [], cluster?: VolumeBindingDeps): { plugins: Plugin[]; weights: Record<string, number> } {
  const plugins: Plugin[] = [];
  const weights: Record<string, number> = {};
  for (const e of inTreeRegistry) {
    if (disabled.includes(e.name)) continue;
    // DefaultPreemption weighs PodDisruptionBudgets when it has the cluster's informers.
    plugins.push(e.name === DEFAULT_PREEMPTION && cluster ? newDefaultPreemption(cluster) : e.factory());
    if (e.weight !== undefined) weights[e.name] = e.weight;
    // VolumeBinding reads claims, volumes and classes: only a scheduler with a cluster gets it.
    if (e.name === NODE_RESOURCES_FIT && cluster && !disabled.includes(VOLUME_BINDING)) plugins.push(newVolumeBinding(cluster));
  }
  return { plugins, weights };
}
