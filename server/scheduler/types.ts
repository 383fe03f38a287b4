// The scheduler framework's vocabulary: Status codes, cycle state, per-node bookkeeping
// (NodeInfo) and one narrow interface per extension point. A plugin implements only the
// points it uses; the framework feature-tests each method.

import type { Pod } from '../../api/core/pod/types.ts';
import type { KubeObject, ObjectMeta } from '../../api/types.ts';

export type { Pod };

import type { Taint } from '../../api/core/pod/toleration.ts';

export type { Taint };

export interface Node extends KubeObject {
  metadata?: ObjectMeta;
  spec?: { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string; [k: string]: unknown };
  status?: {
    capacity?: Record<string, string | number>;
    allocatable?: Record<string, string | number>;
    conditions?: Array<{ type?: string; status?: string; [k: string]: unknown }>;
    [k: string]: unknown;
  };
}

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

/** What an extension point answers. Reasons are the histogram keys of a FailedScheduling message. */
export interface Status {
  code: Code;
  reasons: string[];
  /** The plugin that answered (filled in by the framework). */
  plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] }) as Status;
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] }) as Status;

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}
export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}
export function isRejection(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
}

/** Per-cycle scratch space: PreFilter/PreScore write under a private key, Filter/Score read it. */
export class CycleState {
  readonly #data = new Map<string, unknown>();
  write(key: string, value: unknown): void {
    this.#data.set(key, value);
  }
  read<T>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }
}

/** Resource amounts: cpu in millicores, everything else in base units (bytes, counts). */
export type Resources = Map<string, number>;

export interface HostPort {
  protocol: string;
  hostIP: string;
  port: number;
}

/** A pod as the cache sees it: requests computed once. */
export interface PodInfo {
  key: string;
  pod: Pod;
  requests: Resources;
  /** The same requests read on every node: cpu, memory, ephemeral-storage as numbers, the rest as pairs. */
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  scalarRequests: Array<[string, number]>;
  /** Requests with upstream's non-zero defaults (100m cpu, 200Mi memory) for scoring. */
  nonZeroCpu: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  priority: number;
  /** Pod has (anti-)affinity terms: InterPodAffinity must look at it. */
  hasAffinity: boolean;
  /** The uid of the ReplicaSet, ReplicationController or StatefulSet that controls the pod, if any. */
  spreadOwner?: string;
}

export interface NodeInfo {
  name: string;
  node: Node;
  labels: Record<string, string>;
  allocatable: Resources;
  /** What Filter and Score read for every node, kept beside the maps as upstream's NodeInfo keeps them. */
  allocatableCpu: number;
  allocatableMemory: number;
  allocatableEphemeralStorage: number;
  allowedPods: number;
  unschedulable: boolean;
  taints: Taint[];
  requested: Resources;
  requestedCpu: number;
  requestedMemory: number;
  requestedEphemeralStorage: number;
  nonZeroCpu: number;
  nonZeroMemory: number;
  pods: Map<string, PodInfo>;
  /** hostPorts in use: `${protocol}/${port}` -> hostIPs. */
  usedPorts: Map<string, Set<string>>;
  /** How many pods of each priority: preemption asks whether any pod has a lower one. */
  podPriorities: Map<number, number>;
  /** Pods with affinity terms on this node (InterPodAffinity checks existing anti-affinity). */
  podsWithAffinity: number;
  /** Pods per controlling workload (PodInfo.spreadOwner): PodTopologySpread's default constraint. */
  podsByOwner: Map<string, number>;
  generation: number;
}

/** Read access to every node, for PreFilter/PreScore plugins that need the whole cluster. */
export interface NodeSnapshot {
  list(): NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes with at least one pod that has (anti-)affinity terms (upstream's HavePodsWithAffinityList). */
  withAffinity(): NodeInfo[];
}

export type ClusterEventResource = 'Node' | 'Pod' | 'PersistentVolumeClaim' | 'PersistentVolume' | 'StorageClass';
export type ClusterEventAction = 'Add' | 'Update' | 'Delete';

/** A cluster change that may make a rejected pod schedulable (upstream's ClusterEvent). */
export interface ClusterEvent {
  resource: ClusterEventResource;
  action: ClusterEventAction;
}

export interface Plugin {
  readonly name: string;
  /** Cluster events that can turn this plugin's rejection into a fit. */
  eventsToRegister?(): ClusterEvent[];
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, snapshot: NodeSnapshot): Status;
}
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}
/** A node the pod may have once these pods are gone (preemption). */
export interface Nomination {
  nodeName: string;
  victims: PodInfo[];
  /** Victims whose eviction breaks a PodDisruptionBudget. */
  violations?: number;
}

/** What PostFilter answers: Success with a nomination, or why it could not help. */
export interface PostFilterStatus extends Status {
  nominated?: Nomination;
}

/** The framework's filters, for a PostFilter that asks what-if (preemption). */
export interface FilterRunner {
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface PostFilterPlugin extends Plugin {
  /** Called when no node fits; the message becomes the tail of FailedScheduling. */
  postFilter(state: CycleState, pod: PodInfo, statuses: Map<string, Status>, snapshot: NodeSnapshot, filters: FilterRunner): PostFilterStatus;
}
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[], snapshot: NodeSnapshot): Status;
}
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rescale raw scores in place to 0..100. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: number[]): void;
}
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}
/** Runs after Reserve, before the Binding is written (off the scheduling cycle): a failure unreserves the pod. */
export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

export const MAX_NODE_SCORE = 100;

/** The lowest and highest of a cycle's scores, one per feasible node (no spread: 1,000 numbers as arguments allocate). */
export function scoreRange(scores: number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  return { min, max };
}
