// Taints and tolerations as the node lifecycle, taint eviction and DaemonSet controllers read
// them: which taints a node carries, whether a pod tolerates one, and the well-known keys.

import type { KubeObject } from '../../../api/types.ts';
import type { Informer } from '../../../client/types.ts';
import { ensureIndex } from '../common/controller-index.ts';
import { tolerates, type Taint, type Toleration } from '../../../api/core/pod/toleration.ts';

export { tolerates, type Taint, type Toleration };

import { TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE } from '../../../api/core/node/taint-keys.ts';

export { TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE };
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';


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
