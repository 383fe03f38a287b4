// What a simulated node looks like to the API: a Node with realistic capacity, labels,
// addresses, nodeInfo and conditions (its Lease comes from ../common). Pure builders; the
// addresses are only data (10.244.0.0/14 is carved into one /24 per node), nothing connects.

import { hash } from 'node:crypto';
import type { KubeObject } from '../../api/types.ts';
import { KUBELET_VERSION, nodeConditions } from '../common/node-status.ts';

export const ZONES = ['zone-a', 'zone-b', 'zone-c'];
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

/** A stable fake identifier (hex) derived from a seed. */
export function fakeHex(seed: string, length = 64): string {
  let out = '';
  // crypto.hash: one call, no Hash object (a third of createHash's cost, once per container).
  for (let i = 0; out.length < length; i++) out += hash('sha256', `${seed}/${i}`, 'hex');
  return out.slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = fakeHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
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
