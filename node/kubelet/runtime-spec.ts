// How a Pod maps onto CRI: the sandbox config (metadata, hostname, log directory, DNS,
// (../dns/resolv-conf.ts), hostPorts, namespaces, labels the kubelet finds its pods by after a restart) and each
// container's config (image, command and args, workingDir, env, mounts, resources as cgroup
// values, log path, the hash of its definition: container-hash.ts). Pure.

import type { Container, Pod } from '../../api/core/pod/types.ts';
import { parseQuantity } from '../../api/core/pod/quantity.ts';
import { podQOSClass } from '../../api/core/pod/qos.ts';
import type { ContainerConfig, LinuxContainerResources, Mount, PodSandboxConfig } from '../cri/types.ts';
import type { VolumePaths } from './volumes.ts';
import { containerHash, HASH_ANNOTATION } from './container-hash.ts';
import { podResolvConf, type NodeDnsSettings, type PodDnsSpec } from '../dns/resolv-conf.ts';

export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
/** Set on everything this kubelet creates, so that it never touches another's sandboxes. */
export const MANAGED_LABEL = 'kubets.io/managed-by';
export const GRACE_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';

const CPU_PERIOD = 100_000;

/** Requests and limits as cgroup values (cpu shares from requests, quota and memory from limits), as the kubelet computes them. */
export function linuxResources(c: Container, qos: string): LinuxContainerResources {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const cpuReq = parseQuantity(req.cpu ?? lim.cpu);
  const cpuLim = parseQuantity(lim.cpu);
  const memLim = parseQuantity(lim.memory);
  const memReq = parseQuantity(req.memory ?? lim.memory);
  const out: LinuxContainerResources = { cpuShares: cpuReq !== undefined ? Math.max(2, Math.floor(cpuReq * 1024)) : 2 };
  if (cpuLim !== undefined) {
    out.cpuPeriod = CPU_PERIOD;
    out.cpuQuota = Math.max(1000, Math.floor(cpuLim * CPU_PERIOD));
  }
  if (memLim !== undefined) out.memoryLimitInBytes = Math.floor(memLim);
  // Upstream's oom_score_adj by QoS class (containerd clamps it: restrict_oom_score_adj).
  if (qos === 'Guaranteed') out.oomScoreAdj = -997;
  else if (qos === 'BestEffort') out.oomScoreAdj = 1000;
  else out.oomScoreAdj = Math.min(999, Math.max(3, 1000 - Math.floor((1000 * (memReq ?? 0)) / (64 * 1024 ** 3))));
  return out;
}

/**
 * The pod's resolv.conf as CRI's DNSConfig (node/dns's `podResolvConf`: dnsPolicy, dnsConfig,
 * upstream's limits). Without node DNS settings the runtime copies the node's own file.
 */
export function sandboxDns(pod: Pod, dns: NodeDnsSettings | undefined): PodSandboxConfig['dnsConfig'] {
  if (!dns) return undefined;
  const { conf } = podResolvConf(pod as PodDnsSpec, dns);
  return { servers: conf.nameservers, searches: conf.searches, options: conf.options };
}

export function sandboxConfig(pod: Pod, opts: { logDir: string; attempt: number; owner: string; dns?: NodeDnsSettings }): PodSandboxConfig {
  const meta = pod.metadata ?? {};
  const ns = meta.namespace ?? 'default';
  const ports = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].flatMap((c) => c.ports ?? []).filter((p) => p.hostPort);
  const hostNetwork = !!pod.spec?.hostNetwork;
  const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  return {
    metadata: { name: meta.name ?? '', uid: meta.uid ?? '', namespace: ns, attempt: opts.attempt },
    hostname: (pod.spec?.hostname ?? meta.name ?? '').slice(0, 63),
    logDirectory: opts.logDir,
    dnsConfig: sandboxDns(pod, opts.dns),
    portMappings: ports.map((p) => ({ protocol: (p.protocol ?? 'TCP') as 'TCP', containerPort: p.containerPort ?? 0, hostPort: p.hostPort, hostIp: p.hostIP ?? '' })),
    labels: { [POD_NAME_LABEL]: meta.name ?? '', [POD_NAMESPACE_LABEL]: ns, [POD_UID_LABEL]: meta.uid ?? '', [MANAGED_LABEL]: opts.owner },
    annotations: { [GRACE_ANNOTATION]: String(grace) },
    linux: {
      securityContext: { namespaceOptions: { network: hostNetwork ? 'NODE' : 'POD', pid: pod.spec?.hostPID ? 'NODE' : 'CONTAINER', ipc: pod.spec?.hostIPC ? 'NODE' : 'POD' } },
    },
  };
}

export interface ContainerInputs {
  pod: Pod;
  container: Container;
  attempt: number;
  envs: { key: string; value: string }[];
  volumes: VolumePaths;
  /** The file mounted at terminationMessagePath. */
  terminationLog: string;
  owner: string;
}

export function containerConfig(x: ContainerInputs): ContainerConfig {
  const c = x.container;
  const mounts: Mount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const host = m.name ? x.volumes.get(m.name) : undefined;
    if (!host || !m.mountPath) continue;
    mounts.push({ containerPath: m.mountPath, hostPath: m.subPath ? `${host}/${m.subPath}` : host, readonly: !!m.readOnly });
  }
  mounts.push({ containerPath: c.terminationMessagePath ?? '/dev/termination-log', hostPath: x.terminationLog });
  const sc = (c.securityContext ?? {}) as { privileged?: boolean; runAsUser?: number; runAsGroup?: number; readOnlyRootFilesystem?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
  const podSc = (x.pod.spec?.securityContext ?? {}) as { runAsUser?: number; runAsGroup?: number };
  const runAsUser = sc.runAsUser ?? podSc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? podSc.runAsGroup;
  const meta = x.pod.metadata ?? {};
  return {
    metadata: { name: c.name ?? '', attempt: x.attempt },
    image: { image: c.image ?? '' },
    command: c.command ?? [],
    args: c.args ?? [],
    workingDir: (c.workingDir as string | undefined) ?? '',
    envs: x.envs,
    mounts,
    labels: { [POD_NAME_LABEL]: meta.name ?? '', [POD_NAMESPACE_LABEL]: meta.namespace ?? '', [POD_UID_LABEL]: meta.uid ?? '', [CONTAINER_NAME_LABEL]: c.name ?? '', [MANAGED_LABEL]: x.owner },
    annotations: { 'io.kubernetes.container.restartCount': String(x.attempt), [HASH_ANNOTATION]: containerHash(c) },
    logPath: `${c.name}/${x.attempt}.log`,
    stdin: !!c.stdin,
    stdinOnce: !!c.stdinOnce,
    tty: !!c.tty,
    linux: {
      resources: linuxResources(c, podQOSClass(x.pod.spec)),
      securityContext: {
        privileged: !!sc.privileged,
        runAsUser: runAsUser !== undefined ? { value: runAsUser } : undefined,
        runAsGroup: runAsGroup !== undefined ? { value: runAsGroup } : undefined,
        readonlyRootfs: !!sc.readOnlyRootFilesystem,
        capabilities: sc.capabilities ? { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] } : undefined,
        namespaceOptions: { network: x.pod.spec?.hostNetwork ? 'NODE' : 'POD', pid: x.pod.spec?.hostPID ? 'NODE' : 'CONTAINER', ipc: x.pod.spec?.hostIPC ? 'NODE' : 'POD' },
      },
    },
  };
}
