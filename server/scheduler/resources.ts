// Pod requests as the scheduler counts them (upstream's resource helpers; the effective
// requests with sidecars are shared with the kubelet's admission in api/core/pod/requests.ts),
// the defaults scoring counts for containers that request nothing, host ports, PodInfo.

import { amount, effectiveRequests, toResources } from '../../api/core/pod/requests.ts';
import type { Container } from '../../api/core/pod/types.ts';
import type { HostPort, Node, Pod, PodInfo, Resources } from './types.ts';

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;
export const EPHEMERAL_STORAGE = 'ephemeral-storage';

export { amount, toResources };

/** The effective requests of a pod (init containers max rule, sidecars, overhead): ../../api/core/pod/requests.ts. */
export function podRequests(pod: Pod): Resources {
  return effectiveRequests(pod.spec);
}

/** cpu and memory with defaults for containers that request nothing (scoring only), by the same rule as podRequests. */
export function nonZeroRequests(pod: Pod): { cpu: number; memory: number } {
  const r = effectiveRequests(pod.spec, { cpu: DEFAULT_MILLI_CPU_REQUEST, memory: DEFAULT_MEMORY_REQUEST });
  return { cpu: r.get('cpu') ?? 0, memory: r.get('memory') ?? 0 };
}

export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const spec = pod.spec ?? {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: p.protocol || 'TCP', hostIP: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  return out;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function hasAffinityTerms(pod: Pod): boolean {
  const a = pod.spec?.affinity as { podAffinity?: unknown; podAntiAffinity?: unknown } | undefined;
  return !!(a?.podAffinity || a?.podAntiAffinity);
}

/** Same keys, same values (quantities are strings or numbers); either may be missing. */
export function sameStrings(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  if (a === b) return true;
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  for (const k of ka) if ((a as Record<string, unknown>)[k] !== b?.[k]) return false;
  return true;
}

function sameContainers(a: Container[] | undefined, b: Container[] | undefined): boolean {
  if ((a?.length ?? 0) !== (b?.length ?? 0)) return false;
  for (let i = 0; i < (a?.length ?? 0); i++) {
    const ca = (a as Container[])[i];
    const cb = (b as Container[])[i];
    if (ca.restartPolicy !== cb.restartPolicy) return false;
    if (!sameStrings(ca.resources?.requests as Record<string, unknown> | undefined, cb.resources?.requests as Record<string, unknown> | undefined)) return false;
    const pa = ca.ports ?? [];
    const pb = cb.ports ?? [];
    if (pa.length !== pb.length) return false;
    for (let j = 0; j < pa.length; j++) {
      if (pa[j].hostPort !== pb[j].hostPort || pa[j].protocol !== pb[j].protocol || pa[j].hostIP !== pb[j].hostIP) return false;
    }
  }
  return true;
}

/**
 * Whether two versions of a pod agree on everything newPodInfo derives (requests, host ports,
 * priority, having affinity terms): a status update then needs no new PodInfo, only the object.
 */
export function samePodInfoInputs(a: Pod, b: Pod): boolean {
  const sa = a.spec ?? {};
  const sb = b.spec ?? {};
  return (
    podKey(a) === podKey(b) &&
    sa.priority === sb.priority &&
    spreadOwner(a) === spreadOwner(b) &&
    hasAffinityTerms(a) === hasAffinityTerms(b) &&
    sameStrings(sa.overhead as Record<string, unknown> | undefined, sb.overhead as Record<string, unknown> | undefined) &&
    sameContainers(sa.containers, sb.containers) &&
    sameContainers(sa.initContainers, sb.initContainers)
  );
}

/** The PodInfo of a new version of a pod, reusing what the previous version's computed. */
export function updatePodInfo(prev: PodInfo, pod: Pod): PodInfo {
  return samePodInfoInputs(prev.pod, pod) ? { ...prev, pod } : newPodInfo(pod);
}

export function newPodInfo(pod: Pod): PodInfo {
  const nz = nonZeroRequests(pod);
  const requests = podRequests(pod);
  return {
    key: podKey(pod),
    pod,
    requests,
    cpu: requests.get('cpu') ?? 0,
    memory: requests.get('memory') ?? 0,
    ephemeralStorage: requests.get(EPHEMERAL_STORAGE) ?? 0,
    scalarRequests: [...requests].filter(([k]) => k !== 'cpu' && k !== 'memory' && k !== EPHEMERAL_STORAGE && k !== 'pods'),
    nonZeroCpu: nz.cpu,
    nonZeroMemory: nz.memory,
    hostPorts: podHostPorts(pod),
    priority: pod.spec?.priority ?? 0,
    hasAffinity: hasAffinityTerms(pod),
    spreadOwner: spreadOwner(pod),
  };
}

const SPREAD_OWNER_KINDS = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet']);

/** The uid of the workload controller whose pods upstream's default spread constraint counts. */
export function spreadOwner(pod: Pod): string | undefined {
  const ref = pod.metadata?.ownerReferences?.find((o) => o.controller);
  return ref && SPREAD_OWNER_KINDS.has(ref.kind ?? '') ? ref.uid : undefined;
}

export function nodeAllocatable(node: Node): Resources {
  const st = node.status ?? {};
  return toResources((st.allocatable ?? st.capacity) as Record<string, unknown> | undefined);
}
