// What the proxy programs, from Services and EndpointSlices (pure): one entry per Service
// port with its frontends (cluster IPs, node port, external and load-balancer IPs) and the
// endpoints it may send to, picked as upstream's kube-proxy picks them (CategorizeEndpoints):
// ready endpoints, or — when none is ready — serving terminating ones; local endpoints only
// for a policy of Local (internalTrafficPolicy for cluster IPs, externalTrafficPolicy for
// node ports, external and load-balancer IPs). Headless and ExternalName Services get nothing.

import type { EndpointSlice, Service } from './types.ts';
import { clusterIPs, SERVICE_NAME_LABEL } from './types.ts';

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** On this node (nodeName matches). */
  local: boolean;
}

export interface ServicePortEntry {
  /** `<namespace>/<name>:<port name>` (port name may be empty), unique. */
  key: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  port: number;
  clusterIPs: string[];
  nodePort?: number;
  /** externalIPs and status.loadBalancer.ingress[].ip. */
  externalIPs: string[];
  /** The load-balancer IPs among them, and spec.loadBalancerSourceRanges (IPv4) when set:
   * only those sources may reach the load-balancer IPs. */
  lbIPs?: string[];
  sourceRanges?: string[];
  /** spec.healthCheckNodePort (LoadBalancer with externalTrafficPolicy Local): served by health-check.ts. */
  healthCheckNodePort?: number;
  /** ClientIP affinity timeout in seconds, when sessionAffinity is ClientIP. */
  affinitySeconds?: number;
  /** Endpoints for traffic to cluster IPs. */
  internal: ProxyEndpoint[];
  /** Endpoints for traffic to node ports and external IPs. */
  external: ProxyEndpoint[];
  /** Every usable endpoint regardless of the policies (for pods reaching a Local Service's external address). */
  cluster: ProxyEndpoint[];
  externalLocal: boolean;
  internalLocal: boolean;
  /** The Service has some usable endpoint anywhere (else traffic is rejected). */
  hasEndpoints: boolean;
}

export const DEFAULT_AFFINITY_SECONDS = 10800;

interface Candidate extends ProxyEndpoint {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** Upstream's choice: ready ones; if none, serving-and-terminating ones. */
function pick(cands: Candidate[]): ProxyEndpoint[] {
  let out = cands.filter((c) => c.ready);
  if (out.length === 0) out = cands.filter((c) => c.serving && c.terminating);
  return out.map(({ ip, port, local }) => ({ ip, port, local }));
}

function candidates(slices: EndpointSlice[], portName: string, protocol: string, nodeName: string, family: 'IPv4' | 'IPv6'): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const s of slices) {
    if (s.addressType !== family) continue;
    const sp = (s.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP').toLowerCase() === protocol);
    if (!sp?.port) continue;
    for (const e of s.endpoints ?? []) {
      const ip = e.addresses[0];
      if (!ip || seen.has(`${ip}:${sp.port}`)) continue;
      seen.add(`${ip}:${sp.port}`);
      const ready = e.conditions?.ready !== false;
      out.push({
        ip,
        port: sp.port,
        local: e.nodeName === nodeName,
        ready,
        serving: e.conditions?.serving ?? ready,
        terminating: e.conditions?.terminating ?? false,
      });
    }
  }
  return out;
}

const isV6 = (ip: string) => ip.includes(':');

/** Builds the entries for one address family from all Services and their slices. */
export function buildEntries(services: Service[], slicesOf: (ns: string, name: string) => EndpointSlice[], nodeName: string, family: 'IPv4' | 'IPv6' = 'IPv4'): ServicePortEntry[] {
  const out: ServicePortEntry[] = [];
  const inFamily = (ip: string) => (family === 'IPv6' ? isV6(ip) : !isV6(ip));
  for (const svc of services) {
    const spec = svc.spec ?? {};
    const ips = clusterIPs(svc).filter(inFamily);
    if (ips.length === 0) continue;
    const ns = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    const slices = slicesOf(ns, name);
    const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.externalIPs?.length ?? 0) > 0;
    const externalLocal = external && spec.externalTrafficPolicy === 'Local';
    const internalLocal = spec.internalTrafficPolicy === 'Local';
    const lbIPs = spec.type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip && inFamily(ip) && notProxyMode(svc, ip)) : [];
    const externalIPs = [...(spec.externalIPs ?? []).filter(inFamily), ...lbIPs];
    const ranges = spec.type === 'LoadBalancer' && Array.isArray(spec.loadBalancerSourceRanges) ? (spec.loadBalancerSourceRanges as string[]).map((r) => r.trim()).filter((r) => r && inFamily(r)) : [];
    for (const p of spec.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP').toLowerCase() as ServicePortEntry['protocol'];
      const cands = candidates(slices, p.name ?? '', protocol, nodeName, family);
      const cluster = pick(cands);
      const local = pick(cands.filter((c) => c.local));
      out.push({
        key: `${ns}/${name}:${p.name ?? ''}:${protocol}`,
        namespace: ns,
        name,
        portName: p.name ?? '',
        protocol,
        port: p.port ?? 0,
        clusterIPs: ips,
        nodePort: (spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort ? p.nodePort : undefined,
        externalIPs,
        ...(lbIPs.length && ranges.length ? { lbIPs, sourceRanges: ranges } : {}),
        ...(spec.type === 'LoadBalancer' && externalLocal && spec.healthCheckNodePort ? { healthCheckNodePort: spec.healthCheckNodePort } : {}),
        affinitySeconds: spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined,
        internal: internalLocal ? local : cluster,
        external: externalLocal ? local : cluster,
        cluster,
        externalLocal,
        internalLocal,
        hasEndpoints: cluster.length > 0 || local.length > 0,
      });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** An ingress with ipMode Proxy is the load balancer's to handle, not ours (upstream's rule). */
function notProxyMode(svc: Service, ip: string): boolean {
  const ing = svc.status?.loadBalancer?.ingress?.find((i) => i.ip === ip);
  return ing?.ipMode !== 'Proxy';
}

/** Slices grouped by `<namespace>/<service>`. */
export function slicesByService(slices: EndpointSlice[]): Map<string, EndpointSlice[]> {
  const m = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const k = `${s.metadata?.namespace}/${svc}`;
    m.set(k, [...(m.get(k) ?? []), s]);
  }
  return m;
}
