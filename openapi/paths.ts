// The REST operations of served resources, described once and rendered into the v2 and
// v3 documents. kubectl explain (v3) finds a resource's kind through the get operation on
// /api(s)/<gv>/[namespaces/{namespace}/]<plural>/{name} and its x-kubernetes-group-version-kind.

import { groupVersion, type ResourceType, type Verb } from '../api/types.ts';
import { definitionForKind } from './definitions.ts';

export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  /** Definition of the response body (and of the request body for post/put). */
  response: string;
  requestBody: boolean;
}

export interface PathItem {
  path: string;
  params: ('namespace' | 'name')[];
  gvk: { group: string; kind: string; version: string };
  tag: string;
  operations: Operation[];
}

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

/** "apps" -> "AppsV1", "rbac.authorization.k8s.io" -> "RbacAuthorizationV1", core -> "CoreV1". */
export function operationGroupVersion(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  const camel = g
    .split('.')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
  return camel + version.charAt(0).toUpperCase() + version.slice(1);
}

/** "apps_v1", "core_v1": the tag upstream groups operations under. */
function tagFor(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
  return `${g}_${version}`;
}

/** Path items for one served resource; empty if we have no schema for its kind. */
export function pathItemsFor(r: ResourceType): PathItem[] {
  const def = definitionForKind(r);
  if (!def) return [];
  const list = definitionForKind({ group: r.group, version: r.version, kind: `${r.kind}List` });
  const prefix = r.group ? `/apis/${groupVersion(r)}` : `/api/${r.version}`;
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const params: PathItem['params'] = r.namespaced ? ['namespace'] : [];
  const gvk = { group: r.group, kind: r.kind, version: r.version };
  const tag = tagFor(r.group, r.version);
  const id = (verb: string) => `${verb}${operationGroupVersion(r.group, r.version)}${r.namespaced ? 'Namespaced' : ''}${r.kind}`;
  const has = (v: Verb) => r.verbs.includes(v);
  const coll: Operation[] = [];
  const item: Operation[] = [];
  const noun = r.kind;
  if (has('list') && list) {
    coll.push({ method: 'get', action: 'list', operationId: id('list'), description: `list or watch objects of kind ${noun}`, response: list, requestBody: false });
  }
  if (has('create')) {
    coll.push({ method: 'post', action: 'post', operationId: id('create'), description: `create a ${noun}`, response: def, requestBody: true });
  }
  if (has('deletecollection')) {
    coll.push({ method: 'delete', action: 'deletecollection', operationId: id('deleteCollection'), description: `delete collection of ${noun}`, response: STATUS, requestBody: false });
  }
  if (has('get')) {
    item.push({ method: 'get', action: 'get', operationId: id('read'), description: `read the specified ${noun}`, response: def, requestBody: false });
  }
  if (has('update')) {
    item.push({ method: 'put', action: 'put', operationId: id('replace'), description: `replace the specified ${noun}`, response: def, requestBody: true });
  }
  if (has('patch')) {
    item.push({ method: 'patch', action: 'patch', operationId: id('patch'), description: `partially update the specified ${noun}`, response: def, requestBody: false });
  }
  if (has('delete')) {
    item.push({ method: 'delete', action: 'delete', operationId: id('delete'), description: `delete a ${noun}`, response: STATUS, requestBody: false });
  }
  const out: PathItem[] = [];
  if (coll.length > 0) out.push({ path: collection, params, gvk, tag, operations: coll });
  if (item.length > 0) out.push({ path: `${collection}/{name}`, params: [...params, 'name'], gvk, tag, operations: item });
  return out;
}

/** Definitions a document must carry for the given resources' operations. */
export function rootDefinitions(items: PathItem[]): Set<string> {
  const out = new Set<string>();
  for (const it of items) for (const op of it.operations) out.add(op.response);
  return out;
}

/** Stable identity of a resource list, for caching documents built from it. */
export function resourcesSignature(resources: ResourceType[]): string {
  return resources
    .map((r) => `${r.group}/${r.version}/${r.kind}/${r.plural}/${r.namespaced}/${r.verbs.join(',')}/${r.openapiName ?? ''}`)
    .sort()
    .join('\n');
}

/** A small cache of built documents by resource signature. */
export class DocumentCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly max = 16) {}
  get(key: string, build: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = build();
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
    return value;
  }
}
