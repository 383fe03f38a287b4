// Remote group versions in discovery: the APIResourceList an extension apiserver serves at
// /apis/<group>/<version>, turned into aggregated discovery (apidiscovery.k8s.io/v2) entries,
// and every remote APIService's group version as routes.ts merges them with the local ones.
// A version whose last fetch failed stays listed with freshness Stale (and no resources), as
// upstream's aggregator does: clients then report that one group and use the rest.

import { compareKubeVersions } from '../../../api/registry.ts';
import type { APIService } from './types.ts';

export interface RemoteVersion {
  version: string;
  /** Aggregated discovery entries of the version's resources. */
  resources: Record<string, unknown>[];
  fresh: boolean;
}

export interface RemoteGroup {
  name: string;
  priority: number;
  /** Most preferred first. */
  versions: RemoteVersion[];
}

interface ApiResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

/** The aggregated entries of an APIResourceList (subresources nested under their resource). */
export function discoveryResources(group: string, version: string, list: { resources?: ApiResource[] }): Record<string, unknown>[] {
  const all = list.resources ?? [];
  const out: Record<string, unknown>[] = [];
  for (const r of all) {
    if (r.name.includes('/')) continue;
    const e: Record<string, unknown> = {
      resource: r.name,
      responseKind: { group: r.group ?? group, version: r.version ?? version, kind: r.kind },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName || r.kind.toLowerCase(),
      verbs: r.verbs ?? [],
    };
    if (r.shortNames?.length) e.shortNames = r.shortNames;
    if (r.categories?.length) e.categories = r.categories;
    const subs = all.filter((s) => s.name.startsWith(`${r.name}/`));
    if (subs.length) {
      e.subresources = subs.map((s) => ({
        subresource: s.name.slice(r.name.length + 1),
        responseKind: { group: s.group ?? group, version: s.version ?? version, kind: s.kind },
        verbs: s.verbs ?? [],
      }));
    }
    out.push(e);
  }
  return out;
}

/** Remote group versions, groups by priority then name, versions by priority then Kubernetes order. */
export function remoteGroups(services: APIService[], resourcesOf: (name: string) => Record<string, unknown>[] | undefined): RemoteGroup[] {
  const groups = new Map<string, { priority: number; versions: (RemoteVersion & { priority: number })[] }>();
  for (const s of services) {
    if (!s.spec.service || !s.spec.group || !s.spec.version) continue;
    let g = groups.get(s.spec.group);
    if (!g) groups.set(s.spec.group, (g = { priority: 0, versions: [] }));
    g.priority = Math.max(g.priority, s.spec.groupPriorityMinimum ?? 0);
    const resources = resourcesOf(s.metadata!.name!);
    g.versions.push({ version: s.spec.version, priority: s.spec.versionPriority ?? 0, resources: resources ?? [], fresh: resources !== undefined });
  }
  return [...groups.entries()]
    .sort(([a, x], [b, y]) => y.priority - x.priority || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, g]) => ({
      name,
      priority: g.priority,
      versions: g.versions.sort((a, b) => b.priority - a.priority || compareKubeVersions(a.version, b.version)).map(({ version, resources, fresh }) => ({ version, resources, fresh })),
    }));
}

interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

interface ApiGroupDoc {
  kind?: string;
  apiVersion?: string;
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion?: GroupVersionForDiscovery;
}

function withRemote(g: ApiGroupDoc, r: RemoteGroup): ApiGroupDoc {
  const have = new Set(g.versions.map((v) => v.version));
  const add = r.versions.filter((v) => !have.has(v.version)).map((v) => ({ groupVersion: `${r.name}/${v.version}`, version: v.version }));
  const versions = [...g.versions, ...add];
  return { ...g, versions, preferredVersion: g.preferredVersion ?? versions[0] };
}

/** /apis (APIGroupList) with the remote groups' versions in it. */
export function mergeGroupList(doc: Record<string, unknown>, remote: RemoteGroup[]): Record<string, unknown> {
  if (!remote.length) return doc;
  const groups = [...((doc.groups as ApiGroupDoc[]) ?? [])];
  for (const r of remote) {
    const i = groups.findIndex((g) => g.name === r.name);
    if (i >= 0) groups[i] = withRemote(groups[i]!, r);
    else groups.push(withRemote({ name: r.name, versions: [] }, r));
  }
  return { ...doc, groups };
}

/** /apis/<group> (APIGroup) for a group served locally, remotely, or both; undefined if neither. */
export function mergeGroup(doc: Record<string, unknown> | undefined, remote: RemoteGroup | undefined): Record<string, unknown> | undefined {
  if (!remote) return doc;
  const base = (doc as unknown as ApiGroupDoc | undefined) ?? { kind: 'APIGroup', apiVersion: 'v1', name: remote.name, versions: [] };
  return withRemote(base, remote) as unknown as Record<string, unknown>;
}

/** The aggregated /apis document with the remote group versions (stale ones without resources). */
export function mergeAggregated(doc: Record<string, unknown>, remote: RemoteGroup[]): Record<string, unknown> {
  if (!remote.length) return doc;
  const items = [...((doc.items as { metadata: { name?: string }; versions: { version: string }[] }[]) ?? [])];
  for (const r of remote) {
    const versions = r.versions.map((v) => ({ version: v.version, resources: v.resources, freshness: v.fresh ? 'Current' : 'Stale' }));
    const i = items.findIndex((g) => g.metadata.name === r.name);
    if (i >= 0) {
      const have = new Set(items[i]!.versions.map((v) => v.version));
      items[i] = { ...items[i]!, versions: [...items[i]!.versions, ...versions.filter((v) => !have.has(v.version))] };
    } else items.push({ metadata: { name: r.name, creationTimestamp: null } as { name: string }, versions });
  }
  return { ...doc, items };
}
