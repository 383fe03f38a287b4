// The DnsView over shared informers: Services, EndpointSlices and Namespaces, with indexes
// by Service (slices) and by address (PTR). Every query reads the caches as they are now.

import type { Informer, InformerFactory } from '../../client/types.ts';
import type { KubeObject } from '../../api/types.ts';
import { BY_SERVICE, ENDPOINT_SLICES, NAMESPACES, SERVICES, clusterIPs, sliceService, type EndpointSlice, type Service } from '../proxy/types.ts';
import type { DnsView } from './records.ts';

const BY_IP = 'kubets.io/dns-address';

/** Adds an index once; informers are shared, so another user may have added it already. */
export function ensureIndex<T extends KubeObject>(inf: Informer<T>, name: string, fn: (o: T) => string[]): void {
  try {
    inf.addIndex(name, fn);
  } catch (e) {
    if (!/already exists/.test(String(e))) throw e;
  }
}

export function clusterDnsView(factory: InformerFactory): DnsView {
  const services = factory.informer<Service>(SERVICES);
  const slices = factory.informer<EndpointSlice>(ENDPOINT_SLICES);
  const namespaces = factory.informer(NAMESPACES);
  ensureIndex(slices, BY_SERVICE, sliceService);
  ensureIndex(services, BY_IP, (s) => clusterIPs(s));
  ensureIndex(slices, BY_IP, (s) => (s.endpoints ?? []).flatMap((e) => e.addresses));
  return {
    service: (ns, name) => services.lister.get(ns, name),
    slices: (ns, svc) => slices.lister.byIndex(BY_SERVICE, `${ns}/${svc}`),
    namespaceExists: (ns) => namespaces.lister.get('', ns) !== undefined,
    servicesByIP: (ip) => services.lister.byIndex(BY_IP, ip),
    slicesByIP: (ip) => slices.lister.byIndex(BY_IP, ip),
  };
}
