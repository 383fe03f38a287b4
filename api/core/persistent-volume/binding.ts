// What binds a claim to a volume, shared by the binder controller, the provisioner and the
// scheduler's VolumeBinding plugin: the annotations of the binding protocol, a claim's and a
// volume's storage class, and the pure matching rule (upstream's findMatchingVolume): a
// volume pre-bound to the claim wins; otherwise the smallest Available volume of the claim's
// class whose labels match the claim's selector and which offers every requested access
// mode, the claim's volume mode, enough capacity and (when a node is given) node affinity
// that admits that node.

import { labelSelectorFromObject, type LabelSelector } from '../../meta/labels.ts';
import type { KubeObject, ObjectMeta } from '../../types.ts';
import { parseQuantity } from '../pod/quantity.ts';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';

export interface NodeSelectorTermLike {
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  matchFields?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface ClaimRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface PersistentVolume extends KubeObject {
  metadata?: ObjectMeta;
  spec?: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    claimRef?: ClaimRef | null;
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    volumeMode?: string;
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTermLike[] } };
    hostPath?: { path?: string; type?: string };
    local?: { path?: string };
    [k: string]: unknown;
  };
  status?: { phase?: string; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface PersistentVolumeClaim extends KubeObject {
  metadata?: ObjectMeta;
  spec?: {
    accessModes?: string[];
    resources?: { requests?: Record<string, string> };
    selector?: LabelSelector | null;
    storageClassName?: string | null;
    volumeName?: string;
    volumeMode?: string;
    [k: string]: unknown;
  };
  status?: { phase?: string; capacity?: Record<string, string>; accessModes?: string[]; [k: string]: unknown };
}

export interface StorageClass extends KubeObject {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
  allowedTopologies?: Array<{ matchLabelExpressions?: Array<{ key: string; values?: string[] }> }>;
}

/** A claim's class: the beta annotation, else spec.storageClassName, else "" (no class). */
export function claimClass(c: PersistentVolumeClaim): string {
  const a = c.metadata?.annotations?.[ANN_BETA_STORAGE_CLASS];
  return a !== undefined ? a : (c.spec?.storageClassName ?? '');
}

/** A volume's class, read the same way. */
export function volumeClass(v: PersistentVolume): string {
  const a = v.metadata?.annotations?.[ANN_BETA_STORAGE_CLASS];
  return a !== undefined ? a : (v.spec?.storageClassName ?? '');
}

export function isDefaultClass(sc: StorageClass): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** The default class (the newest when several claim to be), or undefined. */
export function defaultClass(classes: StorageClass[]): StorageClass | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return defaults[0];
}

/** The volume's claimRef names this claim (an empty uid is a user's pre-binding by name). */
export function isVolumeBoundToClaim(v: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const ref = v.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== c.metadata?.name || ref.namespace !== c.metadata?.namespace) return false;
  return !ref.uid || ref.uid === c.metadata?.uid;
}

export const requestedStorage = (c: PersistentVolumeClaim) => parseQuantity(c.spec?.resources?.requests?.storage) ?? 0;
export const volumeStorage = (v: PersistentVolume) => parseQuantity(v.spec?.capacity?.storage) ?? 0;

/** Why a volume cannot serve a claim, or undefined (upstream's checkVolumeSatisfyClaim). */
export function volumeMismatch(v: PersistentVolume, c: PersistentVolumeClaim): string | undefined {
  if (volumeStorage(v) < requestedStorage(c)) return 'requested PV is too small';
  if (volumeClass(v) !== claimClass(c)) return 'storageClassName does not match';
  if ((v.spec?.volumeMode ?? 'Filesystem') !== (c.spec?.volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
  const modes = new Set(v.spec?.accessModes ?? []);
  if (!(c.spec?.accessModes ?? []).every((m) => modes.has(m))) return 'incompatible accessMode';
  return undefined;
}

/** Labels of a node, and its name, for node-affinity checks. */
export interface NodeLabels {
  name: string;
  labels: Record<string, string>;
}

function requirementHolds(r: { key: string; operator: string; values?: string[] }, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In': return has && vals.includes(values[r.key]);
    case 'NotIn': return !has || !vals.includes(values[r.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && vals.length === 1 && Number(values[r.key]) > Number(vals[0]);
    case 'Lt': return has && vals.length === 1 && Number(values[r.key]) < Number(vals[0]);
    default: return false;
  }
}

/** The volume's required node affinity admits the node (no affinity admits every node). */
export function volumeFitsNode(v: PersistentVolume, node: NodeLabels): boolean {
  const terms = v.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => {
    const exprs = t.matchExpressions ?? [];
    const fields = t.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return exprs.every((r) => requirementHolds(r, node.labels)) && fields.every((r) => r.key === 'metadata.name' && requirementHolds(r, { 'metadata.name': node.name }));
  });
}

export interface MatchOptions {
  /** WaitForFirstConsumer without a chosen node: only a volume pre-bound to the claim may match. */
  delayBinding?: boolean;
  /** The node the claim's pod goes to: volumes whose node affinity excludes it are skipped. */
  node?: NodeLabels;
}

/** The volume the claim should bind to, or undefined. */
export function findMatchingVolume(c: PersistentVolumeClaim, volumes: PersistentVolume[], opts: MatchOptions = {}): PersistentVolume | undefined {
  let selector;
  try {
    selector = c.spec?.selector ? labelSelectorFromObject(c.spec.selector) : undefined;
  } catch {
    return undefined;
  }
  let best: PersistentVolume | undefined;
  for (const v of volumes) {
    if (v.metadata?.deletionTimestamp) continue;
    if (opts.node && !volumeFitsNode(v, opts.node)) continue;
    if (isVolumeBoundToClaim(v, c)) {
      if (volumeMismatch(v, c)) continue;
      return v;
    }
    if (opts.delayBinding && !opts.node) continue;
    if (v.spec?.claimRef) continue;
    // Only Available ones: a volume still Pending is marked Available first (upstream skips it too).
    if (v.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(v.metadata?.labels)) continue;
    if (volumeMismatch(v, c)) continue;
    if (!best || volumeStorage(v) < volumeStorage(best)) best = v;
  }
  return best;
}

/** Whether the claim's class binds late (WaitForFirstConsumer); a missing class does not. */
export function isDelayBinding(c: PersistentVolumeClaim, classOf: (name: string) => StorageClass | undefined): boolean {
  const name = claimClass(c);
  if (!name) return false;
  return classOf(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** The claim names a pod mounts (persistentVolumeClaim volumes and generic ephemeral ones). */
export function podClaimNames(pod: { metadata?: ObjectMeta; spec?: { volumes?: Array<Record<string, unknown>> } }): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const pvc = v.persistentVolumeClaim as { claimName?: string } | undefined;
    if (pvc?.claimName) out.push(pvc.claimName);
    else if (v.ephemeral && typeof v.name === 'string') out.push(`${pod.metadata?.name}-${v.name}`);
  }
  return out;
}
