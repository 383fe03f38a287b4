// A container's environment as the kubelet builds it: the `kubernetes` Service's variables,
// then envFrom (ConfigMaps and Secrets, with prefix), then env in order, each value with
// $(VAR) references to earlier variables expanded, valueFrom resolved from the pod
// (fieldRef), its resources (resourceFieldRef) and the API (configMapKeyRef, secretKeyRef).
// A missing source that is not optional is a ConfigError with upstream's message; the pod
// worker reports it as CreateContainerConfigError.

import type { Container, Pod } from '../../api/core/pod/types.ts';
import { parseQuantity } from '../../api/core/pod/quantity.ts';
import type { Client } from '../../client/types.ts';
import type { KubeObject } from '../../api/types.ts';
import { ConfigError, getOrUndefined, keyData, SERVICES } from './api-refs.ts';

export interface EnvContext {
  client: Client;
  pod: Pod;
  hostIP: string;
  podIPs: string[];
  /** Node allocatable, for resourceFieldRef when the container sets no limit. */
  allocatable: { cpu: number; memory: number };
  /** The `default/kubernetes` Service (the kubelet's cached read); a GET when not given. */
  kubernetesService?: () => Promise<KubeObject | undefined>;
}

/** $(VAR) -> its value when defined earlier, $$(VAR) -> $(VAR), anything else unchanged (upstream's expansion). */
export function expand(s: string, vars: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  });
}

function fieldValue(pod: Pod, path: string, hostIP: string, podIPs: string[]): string {
  const meta = pod.metadata ?? {};
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? meta.labels : meta.annotations)?.[m[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return hostIP;
    case 'status.podIP':
      return podIPs[0] ?? '';
    case 'status.podIPs':
      return podIPs.join(',');
  }
  throw new ConfigError(`unsupported fieldRef ${path}`);
}

/** resourceFieldRef: limits.cpu and the like, in units of `divisor` (cpu rounded up, memory up as well). */
export function resourceValue(c: Container, resource: string, divisor: string | number | undefined, allocatable: { cpu: number; memory: number }): string {
  const [kind, name] = resource.split('.');
  const map = kind === 'limits' ? c.resources?.limits : c.resources?.requests;
  let value = parseQuantity(map?.[name]);
  if (value === undefined) value = kind === 'limits' ? (name === 'cpu' ? allocatable.cpu : name === 'memory' ? allocatable.memory : 0) : 0;
  const d = parseQuantity(divisor ?? 1) || 1;
  return String(Math.ceil(value / d - 1e-9));
}

export async function containerEnv(ctx: EnvContext, c: Container): Promise<{ key: string; value: string }[]> {
  const { client, pod } = ctx;
  const ns = pod.metadata?.namespace ?? 'default';
  const vars = new Map<string, string>();
  const master = await (ctx.kubernetesService?.() ?? getOrUndefined(client, SERVICES, 'default', 'kubernetes')).catch(() => undefined);
  const ip = (master?.spec as { clusterIP?: string } | undefined)?.clusterIP;
  const port = (master?.spec as { ports?: { port?: number }[] } | undefined)?.ports?.[0]?.port;
  if (ip && ip !== 'None' && port) {
    vars.set('KUBERNETES_SERVICE_HOST', ip);
    vars.set('KUBERNETES_SERVICE_PORT', String(port));
    vars.set('KUBERNETES_SERVICE_PORT_HTTPS', String(port));
    vars.set('KUBERNETES_PORT', `tcp://${ip}:${port}`);
    vars.set(`KUBERNETES_PORT_${port}_TCP`, `tcp://${ip}:${port}`);
    vars.set(`KUBERNETES_PORT_${port}_TCP_PROTO`, 'tcp');
    vars.set(`KUBERNETES_PORT_${port}_TCP_PORT`, String(port));
    vars.set(`KUBERNETES_PORT_${port}_TCP_ADDR`, ip);
  }
  for (const from of (c.envFrom ?? []) as { prefix?: string; configMapRef?: { name?: string; optional?: boolean }; secretRef?: { name?: string; optional?: boolean } }[]) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const kind = from.configMapRef ? 'configmap' : 'secret';
    const data = await keyData(client, kind, ns, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ConfigError(`${kind} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) vars.set(`${from.prefix ?? ''}${k}`, v.toString('utf8'));
  }
  for (const e of c.env ?? []) {
    if (!e.name) continue;
    const vf = e.valueFrom;
    if (!vf) {
      vars.set(e.name, expand(e.value ?? '', vars));
      continue;
    }
    if (vf.fieldRef?.fieldPath) vars.set(e.name, fieldValue(pod, vf.fieldRef.fieldPath, ctx.hostIP, ctx.podIPs));
    else if (vf.resourceFieldRef?.resource) {
      const target = vf.resourceFieldRef.containerName ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === vf.resourceFieldRef!.containerName) ?? c : c;
      vars.set(e.name, resourceValue(target, vf.resourceFieldRef.resource, vf.resourceFieldRef.divisor, ctx.allocatable));
    } else {
      const ref = vf.configMapKeyRef ?? vf.secretKeyRef;
      if (!ref?.name || !ref.key) continue;
      const kind = vf.configMapKeyRef ? 'configmap' : 'secret';
      const data = await keyData(client, kind, ns, ref.name);
      if (!data) {
        if (ref.optional) continue;
        throw new ConfigError(`${kind} "${ref.name}" not found`);
      }
      const v = data[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ConfigError(`couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
      }
      vars.set(e.name, v.toString('utf8'));
    }
  }
  return [...vars].map(([key, value]) => ({ key, value }));
}
