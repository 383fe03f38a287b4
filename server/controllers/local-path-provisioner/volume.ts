// The volume the local-path provisioner makes for a claim, as k3s's provisioner makes it: a
// hostPath directory <base>/pvc-<uid>_<namespace>_<name> (DirectoryOrCreate: the kubelet
// creates it when the first pod mounts it), pinned to its node by required node affinity on
// kubernetes.io/hostname, pre-bound to the claim. The base directory comes from the
// `local-path-config` ConfigMap's config.json nodePathMap (per node, or
// DEFAULT_PATH_FOR_NON_LISTED_NODES), as in k3s.

import {
  ANN_PROVISIONED_BY, claimClass, type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../../../api/core/persistent-volume/binding.ts';
import { LOCAL_PATH_PROVISIONER } from '../../../api/storage/storage-class/local-path.ts';
import type { KubeObject } from '../../../api/types.ts';

export const PROVISIONER = LOCAL_PATH_PROVISIONER;
export const CONFIG_MAP = { namespace: 'kube-system', name: 'local-path-config' };
export const DEFAULT_BASE = '/var/lib/kubets/storage';
export const ANN_SELECTED_NODE_K3S = 'local.path.provisioner/selected-node';
const DEFAULT_NODE_KEY = 'DEFAULT_PATH_FOR_NON_LISTED_NODES';
const HOSTNAME = 'kubernetes.io/hostname';

/** The base directory for a node from the ConfigMap's config.json, or DEFAULT_BASE. */
export function baseDirFor(config: KubeObject | undefined, node: string): string {
  const raw = (config as { data?: Record<string, string> } | undefined)?.data?.['config.json'];
  if (!raw) return DEFAULT_BASE;
  try {
    const parsed = JSON.parse(raw) as { nodePathMap?: Array<{ node?: string; paths?: string[] }> };
    const map = parsed.nodePathMap ?? [];
    const entry = map.find((e) => e.node === node) ?? map.find((e) => e.node === DEFAULT_NODE_KEY);
    return entry?.paths?.[0] ?? DEFAULT_BASE;
  } catch {
    return DEFAULT_BASE;
  }
}

export const volumeNameFor = (c: PersistentVolumeClaim) => `pvc-${c.metadata?.uid}`;

export function newLocalVolume(c: PersistentVolumeClaim, sc: StorageClass, node: { name: string; hostname: string }, baseDir: string): PersistentVolume {
  const ns = c.metadata?.namespace ?? '';
  const name = c.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: volumeNameFor(c), annotations: { [ANN_PROVISIONED_BY]: PROVISIONER, [ANN_SELECTED_NODE_K3S]: node.name } },
    spec: {
      capacity: { storage: c.spec?.resources?.requests?.storage ?? '0' },
      accessModes: [...(c.spec?.accessModes ?? ['ReadWriteOnce'])],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: claimClass(c),
      volumeMode: c.spec?.volumeMode ?? 'Filesystem',
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name, uid: c.metadata?.uid, resourceVersion: c.metadata?.resourceVersion },
      hostPath: { path: `${baseDir.replace(/\/+$/, '')}/pvc-${c.metadata?.uid}_${ns}_${name}`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME, operator: 'In', values: [node.hostname] }] }] } },
    },
  };
}

/** The node a provisioned volume lives on (its k3s annotation, else its hostname affinity). */
export function nodeOfVolume(v: PersistentVolume): string | undefined {
  const a = v.metadata?.annotations?.[ANN_SELECTED_NODE_K3S];
  if (a) return a;
  return v.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.find((e) => e.key === HOSTNAME)?.values?.[0];
}
