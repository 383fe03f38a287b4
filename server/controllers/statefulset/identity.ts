// A StatefulSet pod's identity: its name <set>-<ordinal>, the labels that say which set,
// ordinal and revision it is, its hostname and subdomain, and its claims
// <template>-<set>-<ordinal> made from volumeClaimTemplates.

import type { KubeObject, OwnerReference } from '../../../api/types.ts';
import type { LabelSelector } from '../../../api/meta/labels.ts';
import { clone } from '../common/keys.ts';
import { newControllerRef } from '../common/owners.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { REVISION_HASH_LABEL, type PodTemplate } from './revisions.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export interface StatefulSet extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplate;
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    volumeClaimTemplates?: KubeObject[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    ordinals?: { start?: number };
  };
  status?: StatefulSetStatus;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: unknown[];
}

/** The ordinal in a pod's name when it is <set>-<n>, else -1. */
export function ordinalOf(set: StatefulSet, pod: KubeObject): number {
  const prefix = `${set.metadata?.name}-`;
  const name = pod.metadata?.name ?? '';
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
}

export const podName = (set: StatefulSet, ordinal: number) => `${set.metadata?.name}-${ordinal}`;

export function claimName(template: KubeObject, set: StatefulSet, ordinal: number): string {
  return `${template.metadata?.name}-${set.metadata?.name}-${ordinal}`;
}

/** The claims a pod of this ordinal uses, as they would be created. */
export function claimsFor(set: StatefulSet, ordinal: number, pod?: KubeObject): KubeObject[] {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
  const owners: OwnerReference[] = [];
  // A condemned pod's claims belong to the pod alone (upstream): they go when it goes, even
  // though the set itself stays.
  if (pod && policy?.whenScaled === 'Delete' && ordinal >= (set.spec?.ordinals?.start ?? 0) + (set.spec?.replicas ?? 1)) {
    owners.push({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '', blockOwnerDeletion: true });
  } else if (policy?.whenDeleted === 'Delete') owners.push({ ...newControllerRef(set, R.statefulSets), controller: false });
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t, set, ordinal),
      namespace: set.metadata?.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ...(owners.length ? { ownerReferences: owners } : {}),
    },
    spec: clone(t.spec ?? {}),
  }));
}

/** A new pod for an ordinal, from the given revision's template. */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplate | undefined, ordinal: number, revisionName: string): Pod {
  const name = podName(set, ordinal);
  const spec = clone(template?.spec ?? {}) as NonNullable<Pod['spec']>;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const volumes = ((spec.volumes as { name?: string }[] | undefined) ?? []).filter((v) => !(set.spec?.volumeClaimTemplates ?? []).some((t) => t.metadata?.name === v.name));
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    volumes.push({ name: t.metadata?.name, persistentVolumeClaim: { claimName: claimName(t, set, ordinal) } } as { name?: string });
  }
  if (volumes.length) spec.volumes = volumes;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata?.namespace,
      labels: { ...(template?.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_HASH_LABEL]: revisionName },
      ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(set, R.statefulSets)],
    },
    spec,
  };
}

export const revisionOf = (pod: Pod) => pod.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
