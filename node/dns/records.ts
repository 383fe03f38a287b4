// The cluster's DNS records, as the Kubernetes DNS specification and CoreDNS's kubernetes
// plugin define them, looked up per question from the informers' caches (no zone is built:
// a query reads the Service and its EndpointSlices by index, so a change is visible to the
// next query). Pure over a `DnsView`; answer.ts turns the result into a message.

import type { EndpointSlice, Service } from '../proxy/types.ts';
import { clusterIPs, isHeadless } from '../proxy/types.ts';

export interface DnsView {
  service(namespace: string, name: string): Service | undefined;
  /** EndpointSlices labelled with this Service's name. */
  slices(namespace: string, service: string): EndpointSlice[];
  namespaceExists(namespace: string): boolean;
  /** Services holding this cluster IP, and slices holding this endpoint address (for PTR). */
  servicesByIP(ip: string): Service[];
  slicesByIP(ip: string): EndpointSlice[];
}

/** What a record set carries before encoding (dns-packet's answer shape). */
export interface Rr {
  name: string;
  type: string;
  ttl: number;
  class: 'IN';
  data: unknown;
}

export type Lookup =
  /** The name exists; `records` may be empty (NODATA). `extra` goes in the additional section. */
  | { kind: 'records'; records: Rr[]; extra?: Rr[] }
  | { kind: 'nxdomain' }
  /** Not ours to answer: the forwarder's. */
  | { kind: 'forward' };

export interface ZoneOptions {
  zone: string;
  ttl: number;
  /** The address `ns.dns.<zone>` answers with (the kube-dns Service IP). */
  dnsIP?: string;
}

const isV4 = (ip: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
const isV6 = (ip: string) => ip.includes(':');

/** An endpoint's DNS label: its hostname, or its address with dashes (CoreDNS's rule). */
export function endpointLabel(hostname: string | undefined, ip: string): string {
  if (hostname) return hostname;
  return isV6(ip) ? ip.replaceAll(':', '-') : ip.replaceAll('.', '-');
}

function addrRecord(name: string, ip: string, ttl: number): Rr {
  return { name, type: isV6(ip) ? 'AAAA' : 'A', ttl, class: 'IN', data: ip };
}

export function soaRecord(o: ZoneOptions, serial: number): Rr {
  return {
    name: o.zone,
    type: 'SOA',
    ttl: o.ttl,
    class: 'IN',
    data: { mname: `ns.dns.${o.zone}`, rname: `hostmaster.${o.zone}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: o.ttl },
  };
}

interface Target {
  label?: string;
  ip: string;
}

/** Addresses a headless Service's name resolves to: ready endpoints (all, with publishNotReadyAddresses). */
function headlessTargets(svc: Service, slices: EndpointSlice[]): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const s of slices) {
    for (const e of s.endpoints ?? []) {
      if (!(svc.spec?.publishNotReadyAddresses || e.conditions?.ready !== false)) continue;
      for (const ip of e.addresses) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        out.push({ label: endpointLabel(e.hostname, ip), ip });
      }
    }
  }
  return out;
}

function wantsAddress(qtype: string, ip: string): boolean {
  return (qtype === 'A' && isV4(ip)) || (qtype === 'AAAA' && isV6(ip));
}

function serviceLookup(view: DnsView, o: ZoneOptions, qname: string, qtype: string, svc: Service, ns: string, port?: { name: string; proto: string }): Lookup {
  const name = svc.metadata?.name ?? '';
  const svcName = `${name}.${ns}.svc.${o.zone}`;
  if (svc.spec?.type === 'ExternalName') {
    if (port) return { kind: 'nxdomain' };
    const target = (svc.spec.externalName ?? '').replace(/\.$/, '');
    return { kind: 'records', records: [{ name: qname, type: 'CNAME', ttl: o.ttl, class: 'IN', data: target }] };
  }
  const ports = (svc.spec?.ports ?? []).filter((p) => !port || (p.name === port.name && (p.protocol ?? 'TCP').toLowerCase() === port.proto));
  if (port && ports.length === 0) return { kind: 'nxdomain' };
  let targets: Target[];
  const headless = isHeadless(svc);
  if (headless) {
    targets = headlessTargets(svc, view.slices(ns, name));
    if (targets.length === 0) return { kind: 'nxdomain' };
  } else {
    targets = clusterIPs(svc).map((ip) => ({ ip }));
  }
  if (qtype === 'SRV') {
    const records: Rr[] = [];
    const extra: Rr[] = [];
    const named = ports.filter((p) => port || p.name);
    const n = named.length * (headless ? targets.length : 1);
    const weight = n ? Math.floor(100 / n) : 0;
    const slices = headless ? view.slices(ns, name) : [];
    for (const p of named) {
      // A headless name's SRV carries the endpoints' port (the targetPort), a ClusterIP's the Service's.
      const portNum = headless ? (slices.flatMap((s) => s.ports ?? []).find((sp) => (sp.name ?? '') === (p.name ?? ''))?.port ?? p.port) : p.port;
      if (headless) {
        for (const t of targets) {
          const target = `${t.label}.${svcName}`;
          records.push({ name: qname, type: 'SRV', ttl: o.ttl, class: 'IN', data: { priority: 0, weight, port: portNum, target } });
          extra.push(addrRecord(target, t.ip, o.ttl));
        }
      } else {
        records.push({ name: qname, type: 'SRV', ttl: o.ttl, class: 'IN', data: { priority: 0, weight, port: portNum, target: svcName } });
      }
    }
    if (!headless && records.length) for (const t of targets) extra.push(addrRecord(svcName, t.ip, o.ttl));
    return { kind: 'records', records, extra };
  }
  return { kind: 'records', records: targets.filter((t) => wantsAddress(qtype, t.ip)).map((t) => addrRecord(qname, t.ip, o.ttl)) };
}

function endpointLookup(view: DnsView, o: ZoneOptions, qname: string, qtype: string, label: string, svc: Service, ns: string): Lookup {
  if (!isHeadless(svc)) return { kind: 'nxdomain' };
  const hits = headlessTargets(svc, view.slices(ns, svc.metadata?.name ?? '')).filter((t) => t.label === label);
  if (hits.length === 0) return { kind: 'nxdomain' };
  return { kind: 'records', records: hits.filter((t) => wantsAddress(qtype, t.ip)).map((t) => addrRecord(qname, t.ip, o.ttl)) };
}

/** `1-2-3-4` -> `1.2.3.4`, `fd00--1` -> `fd00::1`; undefined when not an address. */
export function undash(label: string): string | undefined {
  const v4 = label.replaceAll('-', '.');
  if (isV4(v4) && v4.split('.').every((p) => Number(p) <= 255)) return v4;
  const v6 = label.replaceAll('-', ':');
  if (!/^[0-9a-f:]+$/.test(v6)) return undefined;
  const ok = v6.includes('::') ? v6.split('::').length === 2 && v6.split(':').length <= 9 : v6.split(':').length === 8;
  return ok && v6.split(':').every((g) => g.length <= 4) ? v6 : undefined;
}

/** The address a reverse name (`4.3.2.1.in-addr.arpa`, nibbles `.ip6.arpa`) stands for. */
export function reverseToIP(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.reverse().map(Number).join('.');
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    const groups = hex.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
    return compressV6(groups.join(':'));
  }
  return undefined;
}

function compressV6(full: string): string {
  const groups = full.split(':');
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; i++) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
  }
  if (best < 0) return full;
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function ptrLookup(view: DnsView, o: ZoneOptions, qname: string, ip: string): Lookup {
  const names = new Set<string>();
  for (const s of view.servicesByIP(ip)) names.add(`${s.metadata?.name}.${s.metadata?.namespace}.svc.${o.zone}`);
  for (const sl of view.slicesByIP(ip)) {
    const svcName = sl.metadata?.labels?.['kubernetes.io/service-name'];
    const svc = svcName ? view.service(sl.metadata?.namespace ?? '', svcName) : undefined;
    if (!svc || !isHeadless(svc)) continue;
    for (const e of sl.endpoints ?? []) if (e.addresses.includes(ip)) names.add(`${endpointLabel(e.hostname, ip)}.${svcName}.${sl.metadata?.namespace}.svc.${o.zone}`);
  }
  if (names.size === 0) return { kind: 'forward' };
  return { kind: 'records', records: [...names].map((n) => ({ name: qname, type: 'PTR', ttl: o.ttl, class: 'IN', data: n })) };
}

/**
 * Looks a question up. `qname` is lower-case without the trailing dot. Names outside the zone
 * (and reverse names of addresses the cluster does not hold) are the forwarder's.
 */
export function lookup(view: DnsView, o: ZoneOptions, qname: string, qtype: string, serial: number): Lookup {
  if (qtype === 'PTR' || qname.endsWith('.arpa')) {
    const ip = reverseToIP(qname);
    if (ip) return qtype === 'PTR' ? ptrLookup(view, o, qname, ip) : ptrLookup(view, o, qname, ip).kind === 'forward' ? { kind: 'forward' } : { kind: 'records', records: [] };
  }
  if (qname !== o.zone && !qname.endsWith(`.${o.zone}`)) return { kind: 'forward' };
  const rel = qname === o.zone ? [] : qname.slice(0, -(o.zone.length + 1)).split('.');
  if (rel.length === 0) {
    if (qtype === 'SOA') return { kind: 'records', records: [soaRecord(o, serial)] };
    if (qtype === 'NS') return { kind: 'records', records: [{ name: o.zone, type: 'NS', ttl: o.ttl, class: 'IN', data: `ns.dns.${o.zone}` }], extra: o.dnsIP ? [addrRecord(`ns.dns.${o.zone}`, o.dnsIP, o.ttl)] : [] };
    return { kind: 'records', records: [] };
  }
  const joined = rel.join('.');
  if (joined === 'dns-version') return { kind: 'records', records: qtype === 'TXT' ? [{ name: qname, type: 'TXT', ttl: o.ttl, class: 'IN', data: '1.1.0' }] : [] };
  if (joined === 'ns.dns' && o.dnsIP) return { kind: 'records', records: wantsAddress(qtype, o.dnsIP) ? [addrRecord(qname, o.dnsIP, o.ttl)] : [] };
  const kind = rel[rel.length - 1];
  if (kind === 'pod') {
    if (rel.length === 1) return { kind: 'records', records: [] };
    if (rel.length === 2) return view.namespaceExists(rel[0]) ? { kind: 'records', records: [] } : { kind: 'nxdomain' };
    if (rel.length !== 3) return { kind: 'nxdomain' };
    const ip = undash(rel[0]);
    if (!ip) return { kind: 'nxdomain' };
    return { kind: 'records', records: wantsAddress(qtype, ip) ? [addrRecord(qname, ip, o.ttl)] : [] };
  }
  if (kind !== 'svc') return { kind: 'nxdomain' };
  if (rel.length === 1) return { kind: 'records', records: [] };
  const ns = rel[rel.length - 2];
  if (rel.length === 2) return view.namespaceExists(ns) ? { kind: 'records', records: [] } : { kind: 'nxdomain' };
  const svc = view.service(ns, rel[rel.length - 3]);
  if (!svc) return { kind: 'nxdomain' };
  if (rel.length === 3) return serviceLookup(view, o, qname, qtype, svc, ns);
  if (rel.length === 4) return endpointLookup(view, o, qname, qtype, rel[0], svc, ns);
  if (rel.length === 5 && rel[0].startsWith('_') && rel[1].startsWith('_')) {
    return serviceLookup(view, o, qname, qtype, svc, ns, { name: rel[0].slice(1), proto: rel[1].slice(1) });
  }
  return { kind: 'nxdomain' };
}
