// What any node agent tells the API about its node, as pure builders: the kubelet's own node
// conditions (Ready and the three pressures) and the node Lease in kube-node-lease.

import { microTime, rfc3339 } from '../../api/meta/time.ts';
import { deepEqual } from '../../api/meta/validation.ts';
import type { KubeObject } from '../../api/types.ts';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const KUBELET_VERSION = 'v1.34.0';

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

const HEALTHY: Array<Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>> = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/**
 * The conditions a healthy kubelet posts at `now`: Ready and the three pressure conditions,
 * in place of those in `current` (others stay as they are), each keeping its
 * lastTransitionTime when its status did not change. `ready` overrides the Ready condition
 * (a kubelet whose runtime is down posts Ready False, KubeletNotReady, and why).
 */
export function nodeConditions(now: Date, current: NodeCondition[] = [], ready?: { status: 'False'; message: string }): NodeCondition[] {
  const at = rfc3339(now);
  const healthy = ready ? HEALTHY.map((h) => (h.type === 'Ready' ? { ...h, status: ready.status, reason: 'KubeletNotReady', message: ready.message } : h)) : HEALTHY;
  const wanted = (h: (typeof HEALTHY)[number]): NodeCondition => {
    const was = current.find((c) => c.type === h.type);
    return { ...h, lastHeartbeatTime: at, lastTransitionTime: was?.status === h.status && was.lastTransitionTime ? was.lastTransitionTime : at };
  };
  const out = current.map((c) => {
    const h = healthy.find((x) => x.type === c.type);
    return h ? wanted(h) : c;
  });
  for (const h of healthy) if (!current.some((c) => c.type === h.type)) out.push(wanted(h));
  return out;
}

/** Whether two condition lists say the same, heartbeat times aside. */
export function sameConditions(a: NodeCondition[], b: NodeCondition[]): boolean {
  const strip = (cs: NodeCondition[]) => cs.map(({ lastHeartbeatTime: _, ...rest }) => rest);
  return deepEqual(strip(a), strip(b));
}

export function buildLease(nodeName: string, nodeUid: string | undefined, now: Date): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: LEASE_NAMESPACE,
      ownerReferences: nodeUid ? [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] : undefined,
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}
