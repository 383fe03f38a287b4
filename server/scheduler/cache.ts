// The scheduler's view of nodes and the pods on them, fed by the node and pod informers.
// Like upstream's cache with assume: a pod counts on its node from the moment Reserve picks
// the node, so the next scheduling cycle already sees its resources taken; the informer's
// update (spec.nodeName set) confirms it, a failed binding forgets it.

import { EPHEMERAL_STORAGE, newPodInfo, nodeAllocatable, podKey, samePodInfoInputs } from './resources.ts';
import type { Node, NodeInfo, NodeSnapshot, Pod, PodInfo } from './types.ts';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

function emptyNodeInfo(name: string): NodeInfo {
  return {
    name,
    node: { metadata: { name } },
    labels: {},
    allocatable: new Map(),
    allocatableCpu: 0,
    allocatableMemory: 0,
    allocatableEphemeralStorage: 0,
    allowedPods: 0,
    unschedulable: false,
    taints: [],
    requested: new Map(),
    requestedCpu: 0,
    requestedMemory: 0,
    requestedEphemeralStorage: 0,
    nonZeroCpu: 0,
    nonZeroMemory: 0,
    pods: new Map(),
    usedPorts: new Map(),
    podPriorities: new Map(),
    podsWithAffinity: 0,
    podsByOwner: new Map(),
    generation: 0,
  };
}

export class SchedulerCache implements NodeSnapshot {
  readonly #nodes = new Map<string, NodeInfo>();
  /** Nodes whose Node object we have (pods may arrive for a node before it). */
  readonly #known = new Set<string>();
  readonly #pods = new Map<string, PodState>();
  #list: NodeInfo[] | undefined;
  /** Known nodes with pods that have affinity terms, kept as pods come and go. */
  readonly #affinityNodes = new Set<NodeInfo>();
  #affinityList: NodeInfo[] | undefined;

  list(): NodeInfo[] {
    if (!this.#list) this.#list = [...this.#known].sort().map((n) => this.#nodes.get(n) as NodeInfo);
    return this.#list;
  }

  withAffinity(): NodeInfo[] {
    if (!this.#affinityList) this.#affinityList = [...this.#affinityNodes];
    return this.#affinityList;
  }

  #syncAffinity(ni: NodeInfo): void {
    const want = ni.podsWithAffinity > 0 && this.#known.has(ni.name);
    if (want === this.#affinityNodes.has(ni)) return;
    if (want) this.#affinityNodes.add(ni);
    else this.#affinityNodes.delete(ni);
    this.#affinityList = undefined;
  }

  get(name: string): NodeInfo | undefined {
    return this.#known.has(name) ? this.#nodes.get(name) : undefined;
  }

  nodeCount(): number {
    return this.#known.size;
  }

  setNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    let ni = this.#nodes.get(name);
    if (!ni) {
      ni = emptyNodeInfo(name);
      this.#nodes.set(name, ni);
    }
    if (!this.#known.has(name)) {
      this.#known.add(name);
      this.#list = undefined;
    }
    ni.node = node;
    ni.labels = node.metadata?.labels ?? {};
    ni.allocatable = nodeAllocatable(node);
    ni.allocatableCpu = ni.allocatable.get('cpu') ?? 0;
    ni.allocatableMemory = ni.allocatable.get('memory') ?? 0;
    ni.allocatableEphemeralStorage = ni.allocatable.get(EPHEMERAL_STORAGE) ?? 0;
    ni.allowedPods = ni.allocatable.get('pods') ?? 0;
    ni.unschedulable = !!node.spec?.unschedulable;
    ni.taints = node.spec?.taints ?? [];
    ni.generation++;
    this.#syncAffinity(ni);
  }

  removeNode(name: string): void {
    if (this.#known.delete(name)) this.#list = undefined;
    const ni = this.#nodes.get(name);
    if (!ni) return;
    this.#syncAffinity(ni);
    if (ni.pods.size === 0) this.#nodes.delete(name);
  }

  /** Whether the pod is counted (assumed or confirmed). */
  has(key: string): boolean {
    return this.#pods.has(key);
  }

  isAssumed(key: string): boolean {
    return this.#pods.get(key)?.assumed ?? false;
  }

  /** A bound, non-terminal pod from the informer (add or update). */
  setPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName ?? '';
    const old = this.#pods.get(podKey(pod));
    if (old && old.nodeName === nodeName && samePodInfoInputs(old.info.pod, pod)) {
      // A status update, or the binding confirming an assumed pod: the sums stay as they are.
      old.info = { ...old.info, pod };
      old.assumed = false;
      const ni = this.#nodes.get(nodeName) as NodeInfo;
      ni.pods.set(old.info.key, old.info);
      ni.generation++;
      return;
    }
    const info = newPodInfo(pod);
    if (old) this.#unaccount(old);
    const st: PodState = { info, nodeName, assumed: false };
    this.#pods.set(info.key, st);
    this.#account(st);
  }

  removePod(key: string): void {
    const old = this.#pods.get(key);
    if (!old) return;
    this.#unaccount(old);
    this.#pods.delete(key);
  }

  /** Reserve: count the pod on the node before the binding is written. */
  assume(info: PodInfo, nodeName: string): void {
    const old = this.#pods.get(info.key);
    if (old) this.#unaccount(old);
    const st: PodState = { info, nodeName, assumed: true };
    this.#pods.set(info.key, st);
    this.#account(st);
  }

  /** Binding failed: stop counting an assumed pod. */
  forget(key: string): void {
    const st = this.#pods.get(key);
    if (st?.assumed) this.removePod(key);
  }

  #account(st: PodState): void {
    let ni = this.#nodes.get(st.nodeName);
    if (!ni) {
      ni = emptyNodeInfo(st.nodeName);
      this.#nodes.set(st.nodeName, ni);
    }
    addPodToNode(ni, st.info);
    if (st.info.hasAffinity) this.#syncAffinity(ni);
  }

  #unaccount(st: PodState): void {
    const ni = this.#nodes.get(st.nodeName);
    if (!ni) return;
    removePodFromNode(ni, st.info);
    if (st.info.hasAffinity) this.#syncAffinity(ni);
    if (ni.pods.size === 0 && !this.#known.has(st.nodeName)) this.#nodes.delete(st.nodeName);
  }
}

/** Counts a pod on a node: its requests, host ports, priority, owner and affinity. */
export function addPodToNode(ni: NodeInfo, p: PodInfo): void {
  ni.pods.set(p.key, p);
  for (const [k, v] of p.requests) ni.requested.set(k, (ni.requested.get(k) ?? 0) + v);
  ni.requestedCpu += p.cpu;
  ni.requestedMemory += p.memory;
  ni.requestedEphemeralStorage += p.ephemeralStorage;
  ni.nonZeroCpu += p.nonZeroCpu;
  ni.nonZeroMemory += p.nonZeroMemory;
  for (const hp of p.hostPorts) {
    const k = `${hp.protocol}/${hp.port}`;
    let ips = ni.usedPorts.get(k);
    if (!ips) ni.usedPorts.set(k, (ips = new Set()));
    ips.add(hp.hostIP);
  }
  ni.podPriorities.set(p.priority, (ni.podPriorities.get(p.priority) ?? 0) + 1);
  if (p.spreadOwner) ni.podsByOwner.set(p.spreadOwner, (ni.podsByOwner.get(p.spreadOwner) ?? 0) + 1);
  if (p.hasAffinity) ni.podsWithAffinity++;
  ni.generation++;
}

/** The reverse of addPodToNode. */
export function removePodFromNode(ni: NodeInfo, p: PodInfo): void {
  ni.pods.delete(p.key);
  for (const [k, v] of p.requests) ni.requested.set(k, (ni.requested.get(k) ?? 0) - v);
  ni.requestedCpu -= p.cpu;
  ni.requestedMemory -= p.memory;
  ni.requestedEphemeralStorage -= p.ephemeralStorage;
  ni.nonZeroCpu -= p.nonZeroCpu;
  ni.nonZeroMemory -= p.nonZeroMemory;
  for (const hp of p.hostPorts) ni.usedPorts.get(`${hp.protocol}/${hp.port}`)?.delete(hp.hostIP);
  const samePriority = (ni.podPriorities.get(p.priority) ?? 0) - 1;
  if (samePriority > 0) ni.podPriorities.set(p.priority, samePriority);
  else ni.podPriorities.delete(p.priority);
  if (p.spreadOwner) {
    const sameOwner = (ni.podsByOwner.get(p.spreadOwner) ?? 0) - 1;
    if (sameOwner > 0) ni.podsByOwner.set(p.spreadOwner, sameOwner);
    else ni.podsByOwner.delete(p.spreadOwner);
  }
  if (p.hasAffinity) ni.podsWithAffinity--;
  ni.generation++;
}

/** A copy to change without touching the cache (preemption's what-if). */
export function copyNodeInfo(ni: NodeInfo): NodeInfo {
  return {
    ...ni,
    requested: new Map(ni.requested),
    pods: new Map(ni.pods),
    usedPorts: new Map([...ni.usedPorts].map(([k, v]) => [k, new Set(v)])),
    podPriorities: new Map(ni.podPriorities),
    podsByOwner: new Map(ni.podsByOwner),
  };
}
