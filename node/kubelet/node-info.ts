// The Node a real kubelet registers: capacity and allocatable from this machine (cores,
// memory, the data dir's filesystem), addresses, nodeInfo (machine and boot ids, kernel, OS,
// runtime and kubelet versions) and the well-known labels.

import { readFileSync, statfsSync } from 'node:fs';
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from 'node:os';
import type { KubeObject } from '../../api/types.ts';
import { KUBELET_VERSION, nodeConditions } from '../common/node-status.ts';

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

function readTrim(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8').trim() || fallback;
  } catch {
    return fallback;
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readTrim('/etc/os-release', ''));
  return m ? m[1] : 'Linux';
}

/** The first non-internal IPv4 address, else 127.0.0.1 (a node inside a test's network namespace has only loopback). */
export function defaultHostIP(): string {
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

export interface NodeFacts {
  name: string;
  hostIP: string;
  dataDir: string;
  runtimeVersion: string;
  kubeletPort: number;
  podCIDR?: string;
}

export function nodeResources(dataDir: string): Record<string, string> {
  let storage = 0;
  try {
    const fs = statfsSync(dataDir);
    storage = fs.blocks * fs.bsize;
  } catch {
    /* unknown */
  }
  return {
    cpu: String(cpus().length),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    pods: '110',
    'ephemeral-storage': `${Math.floor(storage / 1024)}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  };
}

export function buildKubeletNode(f: NodeFacts, now: Date): KubeObject {
  const resources = nodeResources(f.dataDir);
  const goarch = GOARCH[arch()] ?? arch();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.name,
      labels: {
        'beta.kubernetes.io/arch': goarch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': goarch,
        'kubernetes.io/hostname': f.name,
        'kubernetes.io/os': 'linux',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: f.podCIDR ? { podCIDR: f.podCIDR, podCIDRs: [f.podCIDR] } : {},
    status: {
      capacity: resources,
      allocatable: { ...resources },
      conditions: nodeConditions(now),
      addresses: [
        { type: 'InternalIP', address: f.hostIP },
        { type: 'Hostname', address: f.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: f.kubeletPort } },
      nodeInfo: {
        machineID: readTrim('/etc/machine-id', ''),
        systemUUID: readTrim('/sys/class/dmi/id/product_uuid', ''),
        bootID: readTrim('/proc/sys/kernel/random/boot_id', ''),
        kernelVersion: release(),
        osImage: osImage(),
        containerRuntimeVersion: f.runtimeVersion,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: goarch,
      },
      images: [],
      phase: 'Running',
    },
  };
}

export const defaultNodeName = () => hostname().toLowerCase();
