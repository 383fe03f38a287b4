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

const DELETED = 0;

/**
 * What this controller last wrote for each Service: slice name -> generation, or DELETED
 * (upstream's EndpointSliceTracker). A sync that starts before the informer has seen our own
 * earlier writes would create a second slice for the same endpoints; it waits instead.
 */
export class SliceTracker {
  readonly #bySvc = new Map<string, Map<string, number>>();

  written(svc: string, s: KubeObject): void {
    this.#of(svc).set(s.metadata?.name ?? '', s.metadata?.generation ?? 1);
  }

  deleted(svc: string, name: string): void {
    this.#of(svc).set(name, DELETED);
  }

  forget(svc: string): void {
    this.#bySvc.delete(svc);
  }

  /**
   * The names of slices whose cached state is older than what we wrote. A deletion the cache
   * has caught up with is dropped from the record.
   */
  staleIn(svc: string, cached: EndpointSlice[]): string[] {
    const mine = this.#bySvc.get(svc);
    if (!mine) return [];
    const byName = new Map(cached.map((c) => [c.metadata?.name ?? '', c]));
    const stale: string[] = [];
    for (const [name, generation] of mine) {
      const c = byName.get(name);
      if (generation === DELETED) {
        if (c) stale.push(name);
        else mine.delete(name);
      } else if (!c || (c.metadata?.generation ?? 0) < generation) stale.push(name);
    }
    return stale;
  }

  #of(svc: string): Map<string, number> {
    let m = this.#bySvc.get(svc);
    if (!m) this.#bySvc.set(svc, (m = new Map()));
    return m;
  }
}

/** How long to wait for the informer to catch up with our own writes before looking again. */
const STALE_RETRY_MS = 100;

export function newEndpointSliceReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers } = deps;
  const svcLister = informers.informer<Service>(R.services).lister;
  const podLister = informers.informer<Pod>(R.pods).lister;
  const sliceLister = informers.informer<EndpointSlice>(R.endpointSlices).lister;

  const tracker = new SliceTracker();

  const remove = (key: string, s: EndpointSlice) =>
    client
      .delete(R.endpointSlices, s.metadata?.namespace ?? '', s.metadata?.name ?? '', { preconditions: { uid: s.metadata?.uid } })
      .then(() => tracker.deleted(key, s.metadata?.name ?? ''))
      .catch((e) => {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      });

  /** Whether the cache lags behind our writes: a slice missing from it is asked for once, live. */
  const cacheIsBehind = async (key: string, namespace: string, existing: EndpointSlice[]): Promise<boolean> => {
    for (const sliceName of tracker.staleIn(key, existing)) {
      if (existing.some((s) => s.metadata?.name === sliceName)) return true; // deleted or updated by us, not seen yet
      try {
        await client.get(R.endpointSlices, namespace, sliceName);
        return true; // it exists: the informer has not seen it yet
      } catch (e) {
        if (!isNotFound(e)) throw e;
        tracker.deleted(key, sliceName); // someone else deleted it
        tracker.staleIn(key, existing); // ... and the cache agrees: forget it
      }
    }
    return false;
  };

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const svc = svcLister.get(namespace, name);
    const existing = sliceLister.list(namespace, `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MANAGED_BY}`);
    if (await cacheIsBehind(key, namespace, existing)) return { requeueAfterMs: STALE_RETRY_MS };
    if (!svc) {
      for (const s of existing) await remove(key, s);
      tracker.forget(key);
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
        const created = await client.create(R.endpointSlices, namespace, {
          apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
          metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [newControllerRef(svc, R.services)] },
          ...body,
        });
        tracker.written(key, created);
        continue;
      }
      const same = JSON.stringify(match.endpoints ?? []) === JSON.stringify(d.endpoints) && JSON.stringify(match.metadata?.labels ?? {}) === JSON.stringify(labels);
      if (same) continue;
      const next = clone(match);
      next.metadata!.labels = labels;
      next.endpoints = d.endpoints;
      tracker.written(key, await client.update(R.endpointSlices, namespace, next));
    }
    for (const s of unused) await remove(key, s);
    return {};
  };
}
