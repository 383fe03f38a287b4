// Discovery: /api, /apis, /api/v1, /apis/G/V, and the aggregated documents
// (apidiscovery.k8s.io/v2) that current kubectl asks for first. Built once per registry
// change and kept serialized.

import { createHash } from 'node:crypto';
import type { ResourceType, Subresource } from '../../api/types.ts';
import { groupVersion } from '../../api/types.ts';

export interface GroupInfo {
  name: string; // '' for core
  versions: string[]; // preferred first
  resources: Map<string, ResourceType[]>; // version -> resources in that version
}

/** Groups in first-seen order, versions in first-seen order unless preferred says otherwise. */
export function groupsOf(resources: ResourceType[], preferred: (group: string) => string | undefined): GroupInfo[] {
  const groups = new Map<string, GroupInfo>();
  for (const rt of resources) {
    let g = groups.get(rt.group);
    if (!g) {
      g = { name: rt.group, versions: [], resources: new Map() };
      groups.set(rt.group, g);
    }
    if (!g.resources.has(rt.version)) {
      g.versions.push(rt.version);
      g.resources.set(rt.version, []);
    }
    g.resources.get(rt.version)!.push(rt);
  }
  for (const g of groups.values()) {
    const p = preferred(g.name);
    if (p && g.versions.includes(p)) g.versions = [p, ...g.versions.filter((v) => v !== p)];
  }
  return [...groups.values()];
}

function storageVersionHash(rt: ResourceType): string {
  const sv = rt.storage?.version ?? rt.version;
  const sg = rt.storage?.group ?? rt.group;
  return createHash('sha256').update(`${sg}/${sv}/${rt.kind}`).digest('base64').slice(0, 12);
}

function subresourceEntry(rt: ResourceType, s: Subresource): Record<string, unknown> {
  const e: Record<string, unknown> = {
    name: `${rt.plural}/${s.name}`,
    singularName: '',
    namespaced: rt.namespaced,
  };
  if (s.group !== undefined && (s.group !== rt.group || (s.version ?? rt.version) !== rt.version)) {
    e.group = s.group;
    e.version = s.version ?? rt.version;
  }
  e.kind = s.kind;
  e.verbs = s.verbs;
  return e;
}

export function apiResourceList(gv: string, resources: ResourceType[]): Record<string, unknown> {
  const list: Record<string, unknown>[] = [];
  for (const rt of resources) {
    const e: Record<string, unknown> = {
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
    };
    if (rt.shortNames?.length) e.shortNames = rt.shortNames;
    if (rt.categories?.length) e.categories = rt.categories;
    if (rt.verbs.length) e.storageVersionHash = storageVersionHash(rt);
    list.push(e);
    for (const s of rt.subresources ?? []) list.push(subresourceEntry(rt, s));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: list };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersions(g: GroupInfo) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(groups: GroupInfo[]): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.filter((g) => g.name !== '').map(groupVersions) };
}

export function apiGroup(g: GroupInfo): Record<string, unknown> {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupVersions(g) };
}

function discoveryResource(rt: ResourceType): Record<string, unknown> {
  const e: Record<string, unknown> = {
    resource: rt.plural,
    responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
  };
  if (rt.shortNames?.length) e.shortNames = rt.shortNames;
  if (rt.categories?.length) e.categories = rt.categories;
  if (rt.subresources?.length) {
    e.subresources = rt.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? rt.group, version: s.version ?? rt.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return e;
}

function discoveryGroup(g: GroupInfo): Record<string, unknown> {
  return {
    metadata: { name: g.name || undefined, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      resources: g.resources.get(v)!.map(discoveryResource),
      freshness: 'Current',
    })),
  };
}

/** The aggregated discovery document for /api (core only) or /apis (all named groups). */
export function aggregatedDiscovery(groups: GroupInfo[], legacy: boolean, apiVersion: string): Record<string, unknown> {
  const items = groups.filter((g) => (g.name === '') === legacy).map(discoveryGroup);
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

export const AGGREGATED_ACCEPT = /as=APIGroupDiscoveryList/;

/** Which aggregated discovery version (v2 or v2beta1) the Accept header asks for, if any. */
export function wantsAggregated(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!AGGREGATED_ACCEPT.test(part) || !/g=apidiscovery\.k8s\.io/.test(part)) continue;
    const v = /v=(v2beta1|v2)\b/.exec(part)?.[1];
    if (v) return v;
  }
  return undefined;
}

export { groupVersion };
