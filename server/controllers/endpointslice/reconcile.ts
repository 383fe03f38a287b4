// The endpointslice controller: for each selector Service, EndpointSlices (owned by it,
// labelled with its name and our manager) holding the selected pods, one slice per address
// type and port set, at most MAX_ENDPOINTS each; ready/serving/terminating per endpoint.

import type { KubeObject } from '../../../api/types.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { clone, splitKey } from '../common/keys.ts';
import { newControllerRef } from '../common/owners.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { portsKey, selectedEndpoints, serviceSelector, targetRef, type EndpointPort, type Service } from '../common/service.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS = 100;

interface Endpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  nodeName?: string;
  hostname?: string;
  targetRef: ReturnType<typeof targetRef>;
}

export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

interface Desired {
  addressType: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

export function desiredSlices(svc: Service, pods: Pod[]): Desired[] {
  const groups = new Map<string, Desired>();
  for (const ep of selectedEndpoints(svc, pods)) {
    if (ep.ports.length === 0 && (svc.spec?.ports?.length ?? 0) > 0) continue;
    const addressType = ep.ip.includes(':') ? 'IPv6' : 'IPv4';
    const k = `${addressType}|${portsKey(ep.ports)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { addressType, ports: ep.ports, endpoints: [] }));
    const p = ep.pod;
    const e: Endpoint = { addresses: [ep.ip], conditions: { ready: ep.ready, serving: ep.serving, terminating: ep.terminating }, targetRef: targetRef(p) };
    if (p.spec?.nodeName) e.nodeName = p.spec.nodeName;
    if (p.spec?.hostname && p.spec.subdomain === svc.metadata?.name) e.hostname = p.spec.hostname;
    g.endpoints.push(e);
  }
  const out: Desired[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS) out.push({ ...g, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS) });
  }
  return out;
}

const sliceKey = (s: { addressType?: string; ports?: EndpointPort[] }) => `${s.addressType}|${portsKey(s.ports ?? [])}`;

export function newEndpointSliceReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers } = deps;
  const svcLister = informers.informer<Service>(R.services).lister;
  const podLister = informers.informer<Pod>(R.pods).lister;
  const sliceLister = informers.informer<EndpointSlice>(R.endpointSlices).lister;

  const remove = (s: EndpointSlice) =>
    client.delete(R.endpointSlices, s.metadata?.namespace ?? '', s.metadata?.name ?? '', { preconditions: { uid: s.metadata?.uid } }).catch((e) => {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    });

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const svc = svcLister.get(namespace, name);
    const existing = sliceLister.list(namespace, `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MANAGED_BY}`);
    if (!svc) {
      for (const s of existing) await remove(s);
      return {};
    }
    if (!serviceSelector(svc)) return {};
    const labels = { ...svc.metadata?.labels, [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    const want = desiredSlices(svc, podLister.list(namespace));
    // A Service with no endpoints still gets one (empty) slice per address family.
    if (want.length === 0) want.push({ addressType: 'IPv4', ports: [], endpoints: [] });
    const unused = [...existing].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    for (const d of want) {
      const i = unused.findIndex((s) => sliceKey(s) === sliceKey(d));
      const match = i >= 0 ? unused.splice(i, 1)[0] : undefined;
      const body = { addressType: d.addressType, endpoints: d.endpoints, ports: d.ports };
      if (!match) {
        await client.create(R.endpointSlices, namespace, {
          apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
          metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [newControllerRef(svc, R.services)] },
          ...body,
        });
        continue;
      }
      const same = JSON.stringify(match.endpoints ?? []) === JSON.stringify(d.endpoints) && JSON.stringify(match.metadata?.labels ?? {}) === JSON.stringify(labels);
      if (same) continue;
      const next = clone(match);
      next.metadata!.labels = labels;
      next.endpoints = d.endpoints;
      await client.update(R.endpointSlices, namespace, next);
    }
    for (const s of unused) await remove(s);
    return {};
  };
}
