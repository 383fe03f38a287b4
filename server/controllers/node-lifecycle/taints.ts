// Taints and tolerations as the node lifecycle, taint eviction and DaemonSet controllers read
// them: which taints a node carries, whether a pod tolerates one, and the well-known keys.

import type { KubeObject } from '../../../api/types.ts';
import type { Informer } from '../../../client/types.ts';
import { ensureIndex } from '../common/controller-index.ts';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/** Upstream's ToleratesTaint: empty effect matches every effect, empty key with Exists every key. */
export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key !== undefined && tol.key !== '' && tol.key !== taint.key) return false;
  switch (tol.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (tol.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function toleratingOf(tolerations: Toleration[] | undefined, taint: Taint): Toleration[] {
  return (tolerations ?? []).filter((t) => tolerates(t, taint));
}

export const sameTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface Node extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean; [k: string]: unknown };
  status?: { conditions?: NodeCondition[]; [k: string]: unknown };
}

export const nodeTaints = (n: Node | undefined): Taint[] => n?.spec?.taints ?? [];

/** The index of pods by spec.nodeName several controllers share; added once. */
export const POD_NODE_INDEX = 'spec.nodeName';

export function ensurePodNodeIndex(inf: Informer): void {
  ensureIndex(inf, POD_NODE_INDEX, (p) => {
    const n = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    return n ? [n] : [];
  });
}
