// A pod's /etc/resolv.conf as the kubelet writes it, from the pod's dnsPolicy and dnsConfig:
// - ClusterFirst: the cluster DNS Service IP(s), search `<ns>.svc.<domain> svc.<domain>
//   <domain>` then the node's own search domains, `options ndots:5`. A hostNetwork pod with
//   ClusterFirst gets the node's resolv.conf instead (ClusterFirstWithHostNet keeps the
//   cluster's), and so does every ClusterFirst pod when no cluster DNS is configured.
// - Default: the node's resolv.conf (nameservers, search, options).
// - None: only what dnsConfig says.
// dnsConfig's nameservers and searches are appended (duplicates dropped) and its options
// override same-named ones. Lists past the limits are cut as the kubelet cuts them
// (3 nameservers; 32 search domains or 2048 characters) and each cut is reported.

import { writeFile } from 'node:fs/promises';

export const MAX_NAMESERVERS = 3;
export const MAX_SEARCH_PATHS = 32;
export const MAX_SEARCH_CHARS = 2048;

export interface PodDnsSpec {
  metadata?: { namespace?: string };
  spec?: {
    dnsPolicy?: string;
    hostNetwork?: boolean;
    dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: Array<{ name: string; value?: string }> };
  };
}

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  /** `name` or `name:value`. */
  options: string[];
}

export interface NodeDnsSettings {
  /** The kubelet's clusterDNS (kube-dns Service IPs). */
  clusterDNS: string[];
  /** The kubelet's clusterDomain. */
  clusterDomain: string;
  /** The node's resolv.conf text (kubelet --resolv-conf). */
  hostResolvConf: string;
}

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.searches = rest.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

const uniq = (xs: string[]) => [...new Set(xs)];

function mergeOptions(base: string[], extra: Array<{ name: string; value?: string }>): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(':')[0], o);
  for (const o of extra) byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

/** The effective resolv.conf and any warnings (what the kubelet reports as events). */
export function podResolvConf(pod: PodDnsSpec, node: NodeDnsSettings): { conf: ResolvConf; warnings: string[] } {
  const warnings: string[] = [];
  const host = parseResolvConf(node.hostResolvConf);
  let policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && pod.spec?.hostNetwork) policy = 'Default';
  if ((policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') && node.clusterDNS.length === 0) {
    warnings.push(`pod: "${policy}" policy specified but no cluster DNS IP configured; falling back to "Default" policy`);
    policy = 'Default';
  }
  let conf: ResolvConf;
  if (policy === 'None') conf = { nameservers: [], searches: [], options: [] };
  else if (policy === 'Default') conf = host;
  else {
    const d = node.clusterDomain;
    const ns = pod.metadata?.namespace ?? 'default';
    conf = { nameservers: [...node.clusterDNS], searches: uniq([`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches]), options: ['ndots:5'] };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    conf = {
      nameservers: uniq([...conf.nameservers, ...(extra.nameservers ?? [])]),
      searches: uniq([...conf.searches, ...(extra.searches ?? []).map((s) => s.replace(/\.$/, ''))]),
      options: mergeOptions(conf.options, extra.options ?? []),
    };
  }
  if (conf.nameservers.length > MAX_NAMESERVERS) {
    warnings.push(`Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${conf.nameservers.slice(0, MAX_NAMESERVERS).join(' ')}`);
    conf.nameservers = conf.nameservers.slice(0, MAX_NAMESERVERS);
  }
  let searches = conf.searches.slice(0, MAX_SEARCH_PATHS);
  while (searches.join(' ').length > MAX_SEARCH_CHARS) searches = searches.slice(0, -1);
  if (searches.length < conf.searches.length) {
    warnings.push(`Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}`);
    conf.searches = searches;
  }
  return { conf, warnings };
}

export function formatResolvConf(c: ResolvConf): string {
  const lines = [...c.nameservers.map((n) => `nameserver ${n}`)];
  if (c.searches.length) lines.push(`search ${c.searches.join(' ')}`);
  if (c.options.length) lines.push(`options ${c.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** Writes the pod's resolv.conf to `path` (the file the kubelet bind-mounts); returns the warnings. */
export async function writePodResolvConf(path: string, pod: PodDnsSpec, node: NodeDnsSettings): Promise<string[]> {
  const { conf, warnings } = podResolvConf(pod, node);
  await writeFile(path, formatResolvConf(conf), { mode: 0o644 });
  return warnings;
}
