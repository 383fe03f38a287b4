// The endpoints controller: an Endpoints object per selector Service, named like it, listing
// the selected pods' IPs (ready ones as addresses, others as notReadyAddresses) grouped into
// subsets by the ports they serve.

import type { KubeObject } from '../../../api/types.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { clone, splitKey } from '../common/keys.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { portsKey, selectedEndpoints, serviceSelector, targetRef, type EndpointPort, type Service } from '../common/service.ts';

interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: ReturnType<typeof targetRef>;
}

interface Subset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

interface Endpoints extends KubeObject {
  subsets?: Subset[];
}

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export function buildSubsets(svc: Service, pods: Pod[]): Subset[] {
  const groups = new Map<string, Subset>();
  for (const ep of selectedEndpoints(svc, pods)) {
    if (ep.ports.length === 0 && (svc.spec?.ports?.length ?? 0) > 0) continue;
    const k = portsKey(ep.ports);
    let s = groups.get(k);
    if (!s) groups.set(k, (s = { ports: ep.ports.length ? ep.ports : undefined }));
    const p = ep.pod;
    const addr: EndpointAddress = { ip: ep.ip, ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}), targetRef: targetRef(p) };
    if (p.spec?.hostname && p.spec.subdomain === svc.metadata?.name) addr.hostname = p.spec.hostname;
    if (ep.ready) (s.addresses ??= []).push(addr);
    else if (!ep.terminating) (s.notReadyAddresses ??= []).push(addr);
  }
  return [...groups.values()].filter((s) => s.addresses || s.notReadyAddresses).map((s) => {
    const out: Subset = {};
    if (s.addresses) out.addresses = s.addresses;
    if (s.notReadyAddresses) out.notReadyAddresses = s.notReadyAddresses;
    if (s.ports) out.ports = s.ports;
    return out;
  });
}

export function newEndpointReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers } = deps;
  const svcLister = informers.informer<Service>(R.services).lister;
  const podLister = informers.informer<Pod>(R.pods).lister;
  const epLister = informers.informer<Endpoints>(R.endpoints).lister;
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const svc = svcLister.get(namespace, name);
    const current = epLister.get(namespace, name);
    if (!svc) {
      if (current) {
        await client.delete(R.endpoints, namespace, name, { preconditions: { uid: current.metadata?.uid } }).catch((e) => {
          if (!isNotFound(e) && !isConflict(e)) throw e;
        });
      }
      return {};
    }
    if (!serviceSelector(svc)) return {};
    const subsets = buildSubsets(svc, podLister.list(namespace));
    const labels: Record<string, string> = { ...svc.metadata?.labels };
    if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
    if (current && JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && JSON.stringify(current.metadata?.labels ?? {}) === JSON.stringify(labels)) return {};
    try {
      if (!current) {
        await client.create(R.endpoints, namespace, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets });
      } else {
        const next = clone(current);
        next.metadata!.labels = labels;
        next.subsets = subsets;
        await client.update(R.endpoints, namespace, next);
      }
    } catch (e) {
      // AlreadyExists / Conflict: the cache was behind; retrying with backoff catches up.
      if (!isNotFound(e)) throw e;
    }
    return {};
  };
}
