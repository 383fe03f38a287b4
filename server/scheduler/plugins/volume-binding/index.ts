// VolumeBinding: a pod's PersistentVolumeClaims decide where it may run.
// - PreFilter: a missing or deleted claim, or an unbound claim of an Immediate class (the
//   binder has not bound it yet), rejects the pod everywhere. A pod without claims skips.
// - Filter: a bound claim's volume must admit the node by its node affinity; an unbound claim
//   of a WaitForFirstConsumer class needs either an Available volume that matches it and admits
//   the node, or a provisioner (not kubernetes.io/no-provisioner) whose class's
//   allowedTopologies admit the node.
// - Reserve remembers the node's decision (and keeps the chosen static volumes from other
//   pods of the same cycle); PreBind writes it: the volume's claimRef for a static match, the
//   claim's volume.kubernetes.io/selected-node for provisioning, then waits until the binder
//   (and provisioner) have bound every claim, as upstream's does before the pod is bound.

import {
  ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, claimClass, findMatchingVolume, isDelayBinding, podClaimNames, volumeFitsNode,
  type NodeLabels, type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../../../../api/core/persistent-volume/binding.ts';
import type { Client, InformerFactory, Lister, ResourceRef } from '../../../../client/types.ts';
import {
  SKIP, SUCCESS, unresolvable, unschedulable,
  type ClusterEvent, type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type PreBindPlugin, type PreFilterPlugin, type ReservePlugin, type Status,
} from '../../types.ts';

export const NAME = 'VolumeBinding';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const STATE_KEY = 'VolumeBinding';
const BIND_TIMEOUT_MS = 600_000;
const POLL_MS = 100;

export const PVCS: ResourceRef = { group: '', version: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true };
export const PVS: ResourceRef = { group: '', version: 'v1', plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false };
export const STORAGE_CLASSES: ResourceRef = { group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses', kind: 'StorageClass', namespaced: false };

interface Decision {
  /** Static volumes chosen for unbound claims: claim name -> volume. */
  bindings: Array<{ claim: PersistentVolumeClaim; volume: PersistentVolume }>;
  provision: PersistentVolumeClaim[];
}
interface PodState {
  bound: Array<{ claim: PersistentVolumeClaim; volume: PersistentVolume | undefined }>;
  unbound: PersistentVolumeClaim[];
  byNode: Map<string, Decision>;
  chosen?: Decision;
}

export interface VolumeBindingDeps {
  client: Client;
  informers: InformerFactory;
  bindTimeoutMs?: number;
}

/** The class's allowedTopologies admit the node (none: every node). */
export function topologyAllows(sc: StorageClass, node: NodeLabels): boolean {
  const terms = sc.allowedTopologies;
  if (!terms?.length) return true;
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => (e.values ?? []).includes(node.labels[e.key])));
}

export function newVolumeBinding(deps: VolumeBindingDeps): PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin {
  const claims: Lister<PersistentVolumeClaim> = deps.informers.informer<PersistentVolumeClaim>(PVCS).lister;
  const volumes: Lister<PersistentVolume> = deps.informers.informer<PersistentVolume>(PVS).lister;
  const classes: Lister<StorageClass> = deps.informers.informer<StorageClass>(STORAGE_CLASSES).lister;
  const classOf = (n: string) => classes.get('', n);
  /** Static volumes reserved for a pod's claim that the cache does not show bound yet: volume -> claim key. */
  const assumed = new Map<string, string>();
  const timeout = deps.bindTimeoutMs ?? BIND_TIMEOUT_MS;

  function decide(ps: PodState, node: NodeInfo): Decision | Status {
    const labels: NodeLabels = { name: node.name, labels: node.labels };
    for (const b of ps.bound) {
      if (!b.volume) return unresolvable(ERR_PV_NOT_EXIST);
      if (!volumeFitsNode(b.volume, labels)) return unresolvable(ERR_NODE_CONFLICT);
    }
    const d: Decision = { bindings: [], provision: [] };
    const taken = new Set<string>();
    for (const c of ps.unbound) {
      const selected = c.metadata?.annotations?.[ANN_SELECTED_NODE];
      if (selected && selected !== node.name) return unschedulable(ERR_BIND_CONFLICT);
      const key = `${c.metadata?.namespace}/${c.metadata?.name}`;
      const free = volumes.list().filter((v) => !taken.has(v.metadata?.name ?? '') && (assumed.get(v.metadata?.name ?? '') ?? key) === key);
      const v = findMatchingVolume(c, free, { node: labels });
      if (v) {
        taken.add(v.metadata?.name ?? '');
        d.bindings.push({ claim: c, volume: v });
        continue;
      }
      const sc = classOf(claimClass(c));
      if (!sc || !sc.provisioner || sc.provisioner === NO_PROVISIONER || !topologyAllows(sc, labels)) return unschedulable(ERR_BIND_CONFLICT);
      d.provision.push(c);
    }
    return d;
  }

  async function waitBound(pod: PodInfo, names: string[]): Promise<Status> {
    const ns = pod.pod.metadata?.namespace ?? '';
    const deadline = Date.now() + timeout;
    for (;;) {
      let done = true;
      for (const n of names) {
        const c = claims.get(ns, n);
        if (!c) return { code: 'Error', reasons: [`persistentvolumeclaim "${n}" not found`] };
        if (c.status?.phase !== 'Bound') done = false;
      }
      if (done) return SUCCESS;
      if (Date.now() > deadline) return { code: 'Error', reasons: ['binding volumes: context deadline exceeded'] };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  return {
    name: NAME,
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' },
        { resource: 'PersistentVolumeClaim', action: 'Add' }, { resource: 'PersistentVolumeClaim', action: 'Update' },
        { resource: 'PersistentVolume', action: 'Add' }, { resource: 'PersistentVolume', action: 'Update' },
        { resource: 'StorageClass', action: 'Add' }, { resource: 'StorageClass', action: 'Update' },
      ];
    },
    preFilter(state: CycleState, pod: PodInfo): Status {
      const names = podClaimNames(pod.pod as never);
      if (names.length === 0) return SKIP;
      const ns = pod.pod.metadata?.namespace ?? '';
      const ps: PodState = { bound: [], unbound: [], byNode: new Map() };
      for (const n of names) {
        const c = claims.get(ns, n);
        if (!c) return unresolvable(`persistentvolumeclaim "${n}" not found`);
        if (c.metadata?.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${n}" is being deleted`);
        if (c.spec?.volumeName) ps.bound.push({ claim: c, volume: volumes.get('', c.spec.volumeName) });
        else if (isDelayBinding(c, classOf)) ps.unbound.push(c);
        else return unresolvable(ERR_UNBOUND_IMMEDIATE);
      }
      state.write(STATE_KEY, ps);
      return SUCCESS;
    },
    filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status {
      const ps = state.read<PodState>(STATE_KEY);
      if (!ps) return SUCCESS;
      const d = decide(ps, node);
      if ('code' in d) return d;
      ps.byNode.set(node.name, d);
      return SUCCESS;
    },
    reserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
      const ps = state.read<PodState>(STATE_KEY);
      if (!ps) return SUCCESS;
      ps.chosen = ps.byNode.get(nodeName);
      for (const b of ps.chosen?.bindings ?? []) assumed.set(b.volume.metadata?.name ?? '', `${b.claim.metadata?.namespace}/${b.claim.metadata?.name}`);
      return SUCCESS;
    },
    unreserve(state: CycleState): void {
      const ps = state.read<PodState>(STATE_KEY);
      for (const b of ps?.chosen?.bindings ?? []) assumed.delete(b.volume.metadata?.name ?? '');
    },
    async preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
      const ps = state.read<PodState>(STATE_KEY);
      if (!ps || ps.unbound.length === 0) return SUCCESS;
      const d = ps.chosen ?? { bindings: [], provision: [] };
      try {
        for (const { claim, volume } of d.bindings) {
          const live = volumes.get('', volume.metadata?.name ?? '') ?? volume;
          if (live.spec?.claimRef?.uid === claim.metadata?.uid) continue;
          const next = structuredClone(live);
          next.spec = { ...next.spec, claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata?.namespace, name: claim.metadata?.name, uid: claim.metadata?.uid, resourceVersion: claim.metadata?.resourceVersion } };
          next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
          await deps.client.update(PVS, '', next);
        }
        for (const claim of d.provision) {
          if (claim.metadata?.annotations?.[ANN_SELECTED_NODE] === nodeName) continue;
          await deps.client.patch(PVCS, claim.metadata?.namespace ?? '', claim.metadata?.name ?? '', 'merge', { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } });
        }
        return await waitBound(pod, ps.unbound.map((c) => c.metadata?.name ?? ''));
      } catch (e) {
        return { code: 'Error', reasons: [`binding volumes: ${(e as Error).message}`] };
      } finally {
        // Kept until the binding shows in the cache, so no other pod picks the same volume.
        for (const b of d.bindings) assumed.delete(b.volume.metadata?.name ?? '');
      }
    },
  };
}
