// NetworkPolicy as upstream defines it, turned into what this node enforces: for each pod
// running here, whether it is isolated for ingress and for egress (some policy selecting it
// names that direction in policyTypes, defaulted as the apiserver does), and the union of
// the allow rules of those policies, with peers resolved to pod addresses (podSelector,
// namespaceSelector, both) or CIDRs (ipBlock with except) and ports to protocol and number
// or range (endPort). Named ports resolve on the pod that receives the traffic: the
// selected pod for ingress, each peer pod for egress (so those become address.port tuples).
// Pure: objects in, data out; rules.ts renders it.

import type { KubeObject } from '../../api/types.ts';
import type { Pod } from '../../api/core/pod/types.ts';
import { labelSelectorFromObject, type LabelSelector, type Selector } from '../../api/meta/labels.ts';

export interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
export interface PolicyRule {
  ports?: PolicyPort[];
  from?: PolicyPeer[];
  to?: PolicyPeer[];
}
export interface NetworkPolicy extends KubeObject {
  spec?: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: PolicyRule[]; egress?: PolicyRule[] };
}

/** A protocol and a port or range; no port: every port of the protocol. */
export interface PortMatch {
  protocol: string;
  port?: number;
  endPort?: number;
}
export interface IpBlock {
  cidr: string;
  except: string[];
}
export interface Tuple {
  ip: string;
  protocol: string;
  port: number;
}
/** One allowed kind of traffic: undefined peers/ports mean any. Never empty: an allow
 * whose peers or ports resolved to nothing is left out. */
export interface Allow {
  ips?: string[];
  blocks?: IpBlock[];
  anyPeer: boolean;
  ports?: PortMatch[];
  /** Peer address, protocol and port together (egress named ports). */
  tuples?: Tuple[];
}
export interface PodRules {
  /** namespace/name */
  key: string;
  ip: string;
  /** undefined: not isolated in that direction; []: isolated, nothing allowed. */
  ingress?: Allow[];
  egress?: Allow[];
}

interface PodInfo {
  ns: string;
  labels: Record<string, string>;
  ip: string;
  pod: Pod;
}

/** The pods that take part: with an IPv4 address, not on the host's network, not finished. */
export function activePods(pods: Pod[]): PodInfo[] {
  const out: PodInfo[] = [];
  for (const pod of pods) {
    const ip = (pod.status?.podIP as string | undefined) ?? '';
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || pod.spec?.hostNetwork) continue;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    out.push({ ns: pod.metadata?.namespace ?? '', labels: pod.metadata?.labels ?? {}, ip, pod });
  }
  return out;
}

/** policyTypes as the apiserver defaults them (Ingress, plus Egress when egress rules exist). */
export function policyTypes(np: NetworkPolicy): string[] {
  const t = np.spec?.policyTypes;
  if (t?.length) return t;
  return np.spec?.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
}

function selector(ls: LabelSelector | undefined): Selector | undefined {
  try {
    return labelSelectorFromObject(ls ?? {});
  } catch {
    return undefined; // refused by validation; selects nothing here
  }
}

/** The pods a peer with a pod and/or namespace selector picks (policy namespace by default). */
function peerPods(peer: PolicyPeer, policyNs: string, pods: PodInfo[], nsLabels: (ns: string) => Record<string, string> | undefined): PodInfo[] {
  const podSel = peer.podSelector ? selector(peer.podSelector) : undefined;
  const nsSel = peer.namespaceSelector ? selector(peer.namespaceSelector) : undefined;
  if ((peer.podSelector && !podSel) || (peer.namespaceSelector && !nsSel)) return [];
  return pods.filter((p) => {
    if (nsSel) {
      const labels = nsLabels(p.ns);
      if (!labels || !nsSel.matches(labels)) return false;
    } else if (p.ns !== policyNs) return false;
    return !podSel || podSel.matches(p.labels);
  });
}

function namedPort(pod: Pod, name: string, protocol: string): number | undefined {
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === protocol && p.containerPort) return p.containerPort;
  }
  return undefined;
}

const ipNum = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);

export function cidrContains(cidr: string, ip: string): boolean {
  const [addr, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(ipNum(addr) / size) === Math.floor(ipNum(ip) / size);
}

/** One rule of one direction, for one selected pod. */
function resolveRule(rule: PolicyRule, dir: 'ingress' | 'egress', np: NetworkPolicy, self: PodInfo, pods: PodInfo[], nsLabels: (ns: string) => Record<string, string> | undefined): Allow[] {
  const peers = (dir === 'ingress' ? rule.from : rule.to) ?? [];
  const policyNs = np.metadata?.namespace ?? '';
  const anyPeer = peers.length === 0;
  const peerSet = new Map<string, PodInfo>();
  const blocks: IpBlock[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) blocks.push({ cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] });
    else for (const p of peerPods(peer, policyNs, pods, nsLabels)) peerSet.set(p.ip, p);
  }
  const ports: PortMatch[] = [];
  const named: { name: string; protocol: string }[] = [];
  for (const p of rule.ports ?? []) {
    const protocol = p.protocol ?? 'TCP';
    if (typeof p.port === 'string') named.push({ name: p.port, protocol });
    else ports.push({ protocol, port: p.port, endPort: p.port !== undefined ? p.endPort : undefined });
  }
  const anyPort = (rule.ports ?? []).length === 0;
  const out: Allow[] = [];
  const withPeers = (a: Omit<Allow, 'anyPeer' | 'ips' | 'blocks'>): void => {
    if (anyPeer) out.push({ anyPeer: true, ...a });
    else if (peerSet.size || blocks.length) out.push({ anyPeer: false, ips: [...peerSet.keys()], blocks, ...a });
  };
  if (anyPort) withPeers({});
  if (dir === 'ingress') {
    for (const n of named) {
      const port = namedPort(self.pod, n.name, n.protocol);
      if (port !== undefined) ports.push({ protocol: n.protocol, port });
    }
    if (ports.length) withPeers({ ports });
    return out;
  }
  if (ports.length) withPeers({ ports });
  if (named.length) {
    // The peer pods that can receive on the named port: those selected, or for any peer or
    // an ipBlock, every known pod in it.
    const inBlock = (ip: string) => blocks.some((b) => cidrContains(b.cidr, ip) && !b.except.some((x) => cidrContains(x, ip)));
    const targets = anyPeer ? pods : [...peerSet.values(), ...pods.filter((p) => !peerSet.has(p.ip) && inBlock(p.ip))];
    const tuples: Tuple[] = [];
    for (const t of targets) {
      for (const n of named) {
        const port = namedPort(t.pod, n.name, n.protocol);
        if (port !== undefined) tuples.push({ ip: t.ip, protocol: n.protocol, port });
      }
    }
    if (tuples.length) out.push({ anyPeer: false, tuples });
  }
  return out;
}

/** What this node enforces for each of its pods (nodeName), sorted by pod key. */
export function buildPodRules(policies: NetworkPolicy[], allPods: Pod[], namespaces: KubeObject[], nodeName: string): PodRules[] {
  const pods = activePods(allPods);
  const nsMap = new Map(namespaces.map((n) => [n.metadata?.name ?? '', n.metadata?.labels ?? {}]));
  const nsLabels = (ns: string) => nsMap.get(ns);
  const out: PodRules[] = [];
  for (const self of pods) {
    if (self.pod.spec?.nodeName !== nodeName) continue;
    const r: PodRules = { key: `${self.ns}/${self.pod.metadata?.name ?? ''}`, ip: self.ip };
    for (const np of policies) {
      if ((np.metadata?.namespace ?? '') !== self.ns) continue;
      const sel = selector(np.spec?.podSelector);
      if (!sel?.matches(self.labels)) continue;
      const types = policyTypes(np);
      for (const dir of ['ingress', 'egress'] as const) {
        if (!types.includes(dir === 'ingress' ? 'Ingress' : 'Egress')) continue;
        const allows = (r[dir] ??= []);
        for (const rule of np.spec?.[dir] ?? []) allows.push(...resolveRule(rule, dir, np, self, pods, nsLabels));
      }
    }
    if (r.ingress || r.egress) out.push(r);
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
