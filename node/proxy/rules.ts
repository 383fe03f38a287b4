// The nftables ruleset for the Service entries (model.ts), as one table, in the shape of
// upstream's nftables kube-proxy: verdict maps from (address, protocol, port) to a chain per
// Service port, `numgen random` over the endpoints, one chain per endpoint that marks hairpin
// traffic (a pod reaching itself) for masquerade and DNATs, per-endpoint dynamic sets for
// ClientIP affinity, and maps of Services without endpoints checked in filter chains that run
// before anything else: REJECT when the Service has no endpoints at all, DROP when a Local
// policy leaves this node none. Pure: text in, text out; apply.ts runs it.

import { createHash } from 'node:crypto';
import type { ProxyEndpoint, ServicePortEntry } from './model.ts';

export const TABLE = 'kubets-proxy';
export const MASQ_MARK = '0x4000';

export interface RulesOptions {
  table?: string;
  /** The pods' CIDR: traffic from outside it to a cluster IP is masqueraded, and pods
   * reaching a node port or LB IP of an externalTrafficPolicy Local Service use all endpoints. */
  clusterCIDR?: string;
}

export interface Ruleset {
  table: string;
  /** The `table ip … { … }` block. */
  text: string;
  /** Names of the regular chains, sets and maps it declares (to find stale ones). */
  chains: string[];
  sets: string[];
  maps: string[];
  /** The same, in parts an applier can diff against the last sync (apply.ts's partial syncs). */
  parts?: RulesetParts;
}

export interface RulesetParts {
  /** Everything but the per-Service parts (maps' types, base and fixed chains): a change means a full sync. */
  fixed: string;
  /** Per-Service and per-endpoint chains: name -> rules. */
  chains: Map<string, string[]>;
  /** Affinity sets: name -> declaration body. */
  sets: Map<string, string>;
  /** Map name -> its elements (`key : verdict`). */
  elements: Record<string, string[]>;
}

const BASE_CHAINS = ['nat-prerouting', 'nat-output', 'nat-postrouting', 'filter-prerouting', 'filter-input', 'filter-forward', 'filter-output'];
const FIXED_CHAINS = ['services', 'masquerading', 'mark-for-masquerade', 'reject-chain', 'endpoints-check', 'nodeport-endpoints-check'];
export const MAPS = ['service-ips', 'service-nodeports', 'no-endpoint-services', 'no-endpoint-nodeports', 'firewall-ips'];

// Names are hashed again at every sync, most of them unchanged: remembered (a sync of 1,000
// Services hashes some 30,000), and forgotten wholesale once there are far more than in use.
const hashes = new Map<string, string>();
const hash = (s: string) => {
  let h = hashes.get(s);
  if (h === undefined) {
    if (hashes.size > 200_000) hashes.clear();
    h = createHash('sha256').update(s).digest('base64url').replace(/[-_]/g, 'x').slice(0, 12).toUpperCase();
    hashes.set(s, h);
  }
  return h;
};

export const chainNames = {
  cluster: (e: ServicePortEntry) => `svc-${hash(e.key)}`,
  local: (e: ServicePortEntry) => `svl-${hash(e.key)}`,
  external: (e: ServicePortEntry) => `ext-${hash(e.key)}`,
  endpoint: (e: ServicePortEntry, ep: ProxyEndpoint) => `ep-${hash(`${e.key}|${ep.ip}:${ep.port}`)}`,
  firewall: (e: ServicePortEntry) => `fw-${hash(e.key)}`,
  affinity: (e: ServicePortEntry, ep: ProxyEndpoint) => `aff-${hash(`${e.key}|${ep.ip}:${ep.port}|${e.affinitySeconds}`)}`,
};

function balance(e: ServicePortEntry, eps: ProxyEndpoint[]): string[] {
  const rules: string[] = [];
  if (e.affinitySeconds !== undefined) for (const ep of eps) rules.push(`ip saddr @${chainNames.affinity(e, ep)} goto ${chainNames.endpoint(e, ep)}`);
  if (eps.length === 1) rules.push(`goto ${chainNames.endpoint(e, eps[0])}`);
  else rules.push(`numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${chainNames.endpoint(e, ep)}`).join(', ')} }`);
  return rules;
}

function chain(name: string, rules: string[], head?: string): string {
  return `  chain ${name} {\n${head ? `    ${head}\n` : ''}${rules.map((r) => `    ${r}\n`).join('')}  }\n`;
}

function map(name: string, type: string, elements: string[]): string {
  return `  map ${name} {\n    type ${type}\n${elements.length ? `    elements = {\n${elements.map((el) => `      ${el},\n`).join('')}    }\n` : ''}  }\n`;
}

export function buildRuleset(entries: ServicePortEntry[], o: RulesOptions = {}): Ruleset {
  const table = o.table ?? TABLE;
  const chains: string[] = [...FIXED_CHAINS];
  const sets: string[] = [];
  const body: string[] = [];
  const chainRules = new Map<string, string[]>();
  const setDecls = new Map<string, string>();
  const serviceIps: string[] = [];
  const nodePorts: string[] = [];
  const noEpServices: string[] = [];
  const noEpNodePorts: string[] = [];
  const firewallIps: string[] = [];
  for (const e of entries) {
    const out = renderEntry(e, o.clusterCIDR);
    chains.push(...out.chains);
    for (const [name, decl] of out.sets) {
      sets.push(name);
      setDecls.set(name, decl);
    }
    for (const [name, rules] of out.rules) chainRules.set(name, rules);
    body.push(out.text);
    serviceIps.push(...out.serviceIps);
    nodePorts.push(...out.nodePorts);
    noEpServices.push(...out.noEpServices);
    noEpNodePorts.push(...out.noEpNodePorts);
    firewallIps.push(...out.firewallIps);
  }

  const elements: Record<string, string[]> = {
    'service-ips': dedupe(serviceIps),
    'service-nodeports': dedupe(nodePorts),
    'no-endpoint-services': dedupe(noEpServices),
    'no-endpoint-nodeports': dedupe(noEpNodePorts),
    'firewall-ips': dedupe(firewallIps),
  };
  const fixed = fixedChains();
  const text =
    `table ip ${table} {\n` +
    MAPS.map((m) => map(m, MAP_TYPES[m], elements[m])).join('') +
    fixed +
    body.join('') +
    '}\n';
  const parts: RulesetParts = { fixed: MAPS.map((m) => map(m, MAP_TYPES[m], [])).join('') + fixed, chains: chainRules, sets: setDecls, elements };
  return { table, text, chains, sets, maps: [...MAPS], parts };
}

/** What one Service port contributes to the ruleset. */
interface EntryOut {
  chains: string[];
  sets: [string, string][];
  rules: [string, string[]][];
  text: string;
  serviceIps: string[];
  nodePorts: string[];
  noEpServices: string[];
  noEpNodePorts: string[];
  firewallIps: string[];
}

// Most Service ports are the same from one sync to the next: their part is rendered again
// only when the entry (or the cluster CIDR) changed.
const rendered = new Map<string, { sig: string; out: EntryOut }>();

function renderEntry(e: ServicePortEntry, cidr: string | undefined): EntryOut {
  const sig = `${cidr ?? ''}|${JSON.stringify(e)}`;
  const hit = rendered.get(e.key);
  if (hit?.sig === sig) return hit.out;
  if (rendered.size > 50_000) rendered.clear();
  const out = renderEntryNow(e, cidr);
  rendered.set(e.key, { sig, out });
  return out;
}

function renderEntryNow(e: ServicePortEntry, cidr: string | undefined): EntryOut {
  const out: EntryOut = { chains: [], sets: [], rules: [], text: '', serviceIps: [], nodePorts: [], noEpServices: [], noEpNodePorts: [], firewallIps: [] };
  const { serviceIps, nodePorts, noEpServices, noEpNodePorts } = out;
  const body: string[] = [];
  const epChains = new Map<string, string>();
  const declared = new Set<string>();
  const bodyChain = (name: string, rules: string[]) => {
    out.rules.push([name, rules]);
    return chain(name, rules);
  };
  const proto = e.protocol;
  const endpointChain = (ep: ProxyEndpoint) => {
    const name = chainNames.endpoint(e, ep);
    if (epChains.has(name)) return;
    const rules = [`ip saddr ${ep.ip} jump mark-for-masquerade`];
    if (e.affinitySeconds !== undefined) {
      const set = chainNames.affinity(e, ep);
      const decl = `type ipv4_addr; flags dynamic,timeout; timeout ${e.affinitySeconds}s;`;
      out.sets.push([set, decl]);
      body.push(`  set ${set} {\n    ${decl.split('; ').join('\n    ').replace(/;$/, '')}\n  }\n`);
      rules.push(`update @${set} { ip saddr }`);
    }
    rules.push(`meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`);
    epChains.set(name, bodyChain(name, rules));
  };
  const setChain = (name: string, eps: ProxyEndpoint[], masqCluster: boolean) => {
    if (declared.has(name)) return;
    declared.add(name);
    out.chains.push(name);
    eps.forEach(endpointChain);
    const head = masqCluster && cidr ? [`ip daddr { ${e.clusterIPs.join(', ')} } ip saddr != ${cidr} jump mark-for-masquerade`] : [];
    body.push(bodyChain(name, [...head, ...balance(e, eps)]));
  };
  const finish = () => {
    for (const [name, text] of epChains) {
      out.chains.push(name);
      body.push(text);
    }
    out.text = body.join('');
    return out;
  };

  // Cluster IPs.
  const internalChain = e.internalLocal ? chainNames.local(e) : chainNames.cluster(e);
  if (e.internal.length) {
    setChain(internalChain, e.internal, true);
    for (const ip of e.clusterIPs) serviceIps.push(`${ip} . ${proto} . ${e.port} : goto ${internalChain}`);
  } else {
    for (const ip of e.clusterIPs) noEpServices.push(`${ip} . ${proto} . ${e.port} : ${e.hasEndpoints ? 'drop' : 'goto reject-chain'}`);
  }

  // loadBalancerSourceRanges: before DNAT, other sources are dropped on their way to the LB IPs.
  if (e.sourceRanges?.length && e.lbIPs?.length) {
    const fw = chainNames.firewall(e);
    out.chains.push(fw);
    body.push(bodyChain(fw, [`ip saddr ${e.sourceRanges.length === 1 ? e.sourceRanges[0] : `{ ${e.sourceRanges.join(', ')} }`} return`, 'drop']));
    for (const ip of e.lbIPs) out.firewallIps.push(`${ip} . ${proto} . ${e.port} : jump ${fw}`);
  }

  // Node ports, external and load-balancer IPs.
  if (e.nodePort === undefined && e.externalIPs.length === 0) return finish();
  if (e.external.length === 0) {
    const verdict = e.hasEndpoints ? 'drop' : 'goto reject-chain';
    for (const ip of e.externalIPs) noEpServices.push(`${ip} . ${proto} . ${e.port} : ${verdict}`);
    if (e.nodePort !== undefined) noEpNodePorts.push(`${proto} . ${e.nodePort} : ${verdict}`);
  }
  if (!e.hasEndpoints) return finish();
  const ext = chainNames.external(e);
  const rules: string[] = [];
  if (e.externalLocal) {
    // Pods and the node itself are sent to every endpoint (upstream's short-circuit); only
    // traffic from outside keeps its source address and stays on this node's endpoints.
    if (e.cluster.length) {
      setChain(chainNames.cluster(e), e.cluster, false);
      if (cidr) rules.push(`ip saddr ${cidr} goto ${chainNames.cluster(e)}`);
      rules.push('fib saddr type local jump mark-for-masquerade', `fib saddr type local goto ${chainNames.cluster(e)}`);
    }
    if (e.external.length) {
      setChain(chainNames.local(e), e.external, false);
      rules.push(`goto ${chainNames.local(e)}`);
    } else rules.push('drop');
  } else {
    setChain(chainNames.cluster(e), e.external, false);
    rules.push('jump mark-for-masquerade', `goto ${chainNames.cluster(e)}`);
  }
  out.chains.push(ext);
  body.push(bodyChain(ext, rules));
  for (const ip of e.externalIPs) serviceIps.push(`${ip} . ${proto} . ${e.port} : goto ${ext}`);
  if (e.nodePort !== undefined && e.external.length) nodePorts.push(`${proto} . ${e.nodePort} : goto ${ext}`);
  return finish();
}

const MAP_TYPES: Record<string, string> = {
  'service-ips': 'ipv4_addr . inet_proto . inet_service : verdict',
  'service-nodeports': 'inet_proto . inet_service : verdict',
  'no-endpoint-services': 'ipv4_addr . inet_proto . inet_service : verdict',
  'no-endpoint-nodeports': 'inet_proto . inet_service : verdict',
  'firewall-ips': 'ipv4_addr . inet_proto . inet_service : verdict',
};

/** The base and fixed chains: the same for every sync. */
function fixedChains(): string {
  return (
    chain('nat-prerouting', ['jump services'], 'type nat hook prerouting priority -100; policy accept;') +
    chain('nat-output', ['jump services'], 'type nat hook output priority -100; policy accept;') +
    // Before the CNI's own postrouting NAT, so hairpin traffic is masqueraded (runtime notes).
    chain('nat-postrouting', ['jump masquerading'], 'type nat hook postrouting priority 90; policy accept;') +
    chain('filter-prerouting', ['ip daddr . meta l4proto . th dport vmap @firewall-ips'], 'type filter hook prerouting priority -110; policy accept;') +
    chain('filter-input', ['ct state new jump endpoints-check', 'ct state new jump nodeport-endpoints-check'], 'type filter hook input priority -110; policy accept;') +
    chain('filter-forward', ['ct state new jump endpoints-check'], 'type filter hook forward priority -110; policy accept;') +
    chain('filter-output', ['ip daddr . meta l4proto . th dport vmap @firewall-ips', 'ct state new jump endpoints-check', 'ct state new jump nodeport-endpoints-check'], 'type filter hook output priority -110; policy accept;') +
    chain('endpoints-check', ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services']) +
    chain('nodeport-endpoints-check', ['fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports']) +
    chain('reject-chain', ['reject']) +
    chain('services', ['ip daddr . meta l4proto . th dport vmap @service-ips', 'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports']) +
    chain('masquerading', [`meta mark & ${MASQ_MARK} == 0 return`, `meta mark set meta mark ^ ${MASQ_MARK}`, 'masquerade fully-random']) +
    chain('mark-for-masquerade', [`meta mark set meta mark | ${MASQ_MARK}`])
  );
}

function dedupe(xs: string[]): string[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = x.split(' : ')[0];
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export { BASE_CHAINS };
