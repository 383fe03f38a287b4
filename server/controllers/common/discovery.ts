// What the apiserver serves right now, read from discovery as upstream's garbage collector
// and namespace controller read it: the preferred version of every group, resources only
// (no subresources), with their verbs. Resources added at run time (CRDs) show up here.

import type { KubeObject } from '../../../api/types.ts';
import type { Client, ResourceRef } from '../../../client/types.ts';
import { deletableNamespacedResources } from './resources.ts';

export interface DiscoveredResource extends ResourceRef {
  verbs: string[];
}

/** The optional ability of a client to make raw calls (the REST client has it; fakes do not). */
interface RawClient {
  request<T = unknown>(method: string, path: string): Promise<T>;
}

function canRequest(c: Client): c is Client & RawClient {
  return typeof (c as Partial<RawClient>).request === 'function';
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

function fromList(group: string, version: string, list: ApiResourceList): DiscoveredResource[] {
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({ group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] }));
}

/** Every served resource at its group's preferred version; undefined when the client cannot ask. */
export async function discoverResources(client: Client): Promise<DiscoveredResource[] | undefined> {
  if (!canRequest(client)) return undefined;
  const out = fromList('', 'v1', await client.request<ApiResourceList>('GET', '/api/v1'));
  const groups = await client.request<{ groups?: { name: string; preferredVersion?: { version: string } }[] }>('GET', '/apis');
  const lists = await Promise.all(
    (groups.groups ?? []).map(async (g) => {
      const v = g.preferredVersion?.version;
      if (!v) return [];
      try {
        return fromList(g.name, v, await client.request<ApiResourceList>('GET', `/apis/${g.name}/${v}`));
      } catch {
        return []; // a group going away between the two calls
      }
    }),
  );
  for (const l of lists) out.push(...l);
  return out;
}

/** Namespaced resources that can be listed and deleted: from discovery, else built-ins and CRDs. */
export async function namespacedDeletableResources(client: Client): Promise<ResourceRef[]> {
  const found = await discoverResources(client);
  if (!found) return [...deletableNamespacedResources(), ...(await customResources(client))];
  return found.filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete'));
}

interface Crd extends KubeObject {
  spec?: { group?: string; scope?: string; names?: { plural?: string; kind?: string }; versions?: { name: string; served?: boolean; storage?: boolean }[] };
}

export const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };

/** Namespaced custom resources, read from the CRDs the cluster has. */
export async function customResources(client: Client): Promise<ResourceRef[]> {
  const crds = await client.list<Crd>(CRDS, '').catch(() => ({ items: [] as Crd[] }));
  const out: ResourceRef[] = [];
  for (const c of crds.items) {
    const s = c.spec ?? {};
    const v = s.versions?.find((x) => x.storage) ?? s.versions?.find((x) => x.served);
    if (s.scope !== 'Namespaced' || !v || !s.group || !s.names?.plural) continue;
    out.push({ group: s.group, version: v.name, plural: s.names.plural, kind: s.names.kind ?? '', namespaced: true });
  }
  return out;
}
