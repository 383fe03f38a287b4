// The nftables table that enforces NetworkPolicy on this node (model.ts says what), in the
// forward path where pod traffic passes, after the proxy's DNAT (so a Service's traffic is
// judged by the pod it reaches and the pod's port, as upstream's plugins judge it), before
// any masquerade. Replies of allowed connections pass by conntrack. Two verdict maps send a
// packet from an egress-isolated pod, then to an ingress-isolated pod, through a chain of
// that pod: each allow `return`s (the other direction is checked next), anything else is
// dropped. Traffic between a pod and its node (the input and output paths: kubelet probes,
// the node's DNS server) is never filtered, as upstream says of a pod's node.
// Same-node pods talk over the CNI bridge: br_netfilter (net.bridge.bridge-nf-call-iptables)
// puts that traffic through this path; agent.ts turns it on.

import { createHash } from 'node:crypto';
import type { Ruleset } from '../proxy/rules.ts';
import type { Allow, PodRules, PortMatch } from './model.ts';

export const POLICY_TABLE = 'kubets-policy';
const MAPS = ['ingress-pods', 'egress-pods'];

const hash = (s: string) => createHash('sha256').update(s).digest('base64url').replace(/[-_]/g, 'x').slice(0, 12).toUpperCase();

export const policyChain = (dir: 'ingress' | 'egress', key: string) => `${dir === 'ingress' ? 'ing' : 'egr'}-${hash(key)}`;

const set = (xs: string[]) => (xs.length === 1 ? xs[0] : `{ ${xs.join(', ')} }`);

function portMatches(ports: PortMatch[] | undefined): string[] {
  if (!ports) return [''];
  const byProto = new Map<string, string[] | undefined>();
  for (const p of ports) {
    const proto = p.protocol.toLowerCase();
    if (p.port === undefined) byProto.set(proto, undefined); // every port of the protocol
    else if (!byProto.has(proto) || byProto.get(proto)) {
      const list = byProto.get(proto) ?? [];
      list.push(p.endPort !== undefined && p.endPort > p.port ? `${p.port}-${p.endPort}` : String(p.port));
      byProto.set(proto, list);
    }
  }
  return [...byProto].map(([proto, list]) => (list ? `meta l4proto ${proto} th dport ${set([...new Set(list)])} ` : `meta l4proto ${proto} `));
}

/** The match parts of one allow; `field` is saddr (ingress: where from) or daddr (egress). */
function allowRules(a: Allow, field: 'saddr' | 'daddr'): string[] {
  if (a.tuples) return [`ip ${field} . meta l4proto . th dport ${set(a.tuples.map((t) => `${t.ip} . ${t.protocol.toLowerCase()} . ${t.port}`))} return`];
  const peers: string[] = [];
  if (a.anyPeer) peers.push('');
  else {
    if (a.ips?.length) peers.push(`ip ${field} ${set([...a.ips].sort())} `);
    for (const b of a.blocks ?? []) peers.push(`ip ${field} ${b.cidr} ${b.except.length ? `ip ${field} != ${set(b.except)} ` : ''}`);
  }
  const out: string[] = [];
  for (const peer of peers) for (const port of portMatches(a.ports)) out.push(`${peer}${port}return`);
  return out;
}

function chain(name: string, rules: string[], head?: string): string {
  return `  chain ${name} {\n${head ? `    ${head}\n` : ''}${rules.map((r) => `    ${r}\n`).join('')}  }\n`;
}

function vmap(name: string, elements: string[]): string {
  return `  map ${name} {\n    type ipv4_addr : verdict\n${elements.length ? `    elements = { ${elements.join(', ')} }\n` : ''}  }\n`;
}

export function buildPolicyRuleset(pods: PodRules[], table = POLICY_TABLE): Ruleset {
  const chains = ['forward'];
  const body: string[] = [];
  const elements: Record<string, string[]> = { ingress: [], egress: [] };
  const seen = new Set<string>();
  for (const p of pods) {
    if (seen.has(p.ip)) continue; // two pods never share an address; a stale one loses
    seen.add(p.ip);
    for (const dir of ['ingress', 'egress'] as const) {
      const allows = p[dir];
      if (!allows) continue;
      const name = policyChain(dir, p.key);
      chains.push(name);
      const rules = [...new Set(allows.flatMap((a) => allowRules(a, dir === 'ingress' ? 'saddr' : 'daddr')))];
      body.push(chain(name, [...rules, 'drop']));
      elements[dir].push(`${p.ip} : jump ${name}`);
    }
  }
  const text =
    `table ip ${table} {\n` +
    vmap('ingress-pods', elements.ingress) +
    vmap('egress-pods', elements.egress) +
    chain('forward', ['ct state established,related accept', 'ip saddr vmap @egress-pods', 'ip daddr vmap @ingress-pods'], 'type filter hook forward priority 0; policy accept;') +
    body.join('') +
    '}\n';
  return { table, text, chains, sets: [], maps: [...MAPS] };
}
