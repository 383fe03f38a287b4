// What a simulated node looks like to the API: a Node with realistic capacity, labels,
// addresses, nodeInfo and conditions, and its Lease in kube-node-lease. Pure builders; the
// addresses are only data (10.244.0.0/14 is carved into one /24 per node), nothing connects.

import { createHash } from 'node:crypto';
import { deepEqual } from '../../api/meta/validation.ts';
import type { KubeObject } from '../../api/types.ts';

export const ZONES = ['zone-a', 'zone-b', 'zone-c'];
export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const KUBELET_VERSION = 'v1.34.0';
export const SIM_ANNOTATION = 'kubets.io/simulated';

export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
}

export const DEFAULT_CAPACITY: NodeCapacity = { cpu: '8', memory: '32Gi', pods: '110', ephemeralStorage: '100Gi' };

/** The /24 of node i: 10.(244 + i / 256).(i % 256).0/24. */
export function nodeSubnet(index: number): { prefix: string; cidr: string } {
  const prefix = `10.${244 + Math.floor(index / 256)}.${index % 256}`;
  return { prefix, cidr: `${prefix}.0/24` };
}

/** "2024-01-01T00:00:00Z": metav1.Time. */
export function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** "2024-01-01T00:00:00.000000Z": metav1.MicroTime. */
export function microTime(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000Z`;
}

/** A stable fake identifier (hex) derived from a seed. */
export function fakeHex(seed: string, length = 64): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}/${i}`).digest('hex');
  return out.slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = fakeHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

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
 * lastTransitionTime when its status did not change.
 */
export function nodeConditions(now: Date, current: NodeCondition[] = []): NodeCondition[] {
  const at = rfc3339(now);
  const wanted = (h: (typeof HEALTHY)[number]): NodeCondition => {
    const was = current.find((c) => c.type === h.type);
    return { ...h, lastHeartbeatTime: at, lastTransitionTime: was?.status === h.status && was.lastTransitionTime ? was.lastTransitionTime : at };
  };
  const out = current.map((c) => {
    const h = HEALTHY.find((x) => x.type === c.type);
    return h ? wanted(h) : c;
  });
  for (const h of HEALTHY) if (!current.some((c) => c.type === h.type)) out.push(wanted(h));
  return out;
}

/** Whether two condition lists say the same, heartbeat times aside. */
export function sameConditions(a: NodeCondition[], b: NodeCondition[]): boolean {
  const strip = (cs: NodeCondition[]) => cs.map(({ lastHeartbeatTime: _, ...rest }) => rest);
  return deepEqual(strip(a), strip(b));
}

export function buildNode(name: string, index: number, now: Date, capacity: NodeCapacity = DEFAULT_CAPACITY): KubeObject {
  const { prefix, cidr } = nodeSubnet(index);
  const resources = {
    cpu: capacity.cpu,
    memory: capacity.memory,
    pods: capacity.pods,
    'ephemeral-storage': capacity.ephemeralStorage,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'kubets-sim',
        'topology.kubernetes.io/zone': ZONES[index % ZONES.length],
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', [SIM_ANNOTATION]: 'true' },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr] },
    status: {
      capacity: resources,
      allocatable: { ...resources },
      conditions: nodeConditions(now),
      addresses: [
        { type: 'InternalIP', address: `${prefix}.1` },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: fakeHex(`machine/${name}`, 32),
        systemUUID: uuidFrom(`system/${name}`),
        bootID: uuidFrom(`boot/${name}/${now.getTime()}`),
        kernelVersion: '6.1.0-kubets-sim',
        osImage: 'kubets simulated node',
        containerRuntimeVersion: 'kubets-sim://0.1.0',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [],
      phase: 'Running',
    },
  };
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
