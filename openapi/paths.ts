// The REST operations of served resources, described once and rendered into the v2 and
// v3 documents. kubectl explain (v3) finds a resource's kind through the get operation on
// /api(s)/<gv>/[namespaces/{namespace}/]<plural>/{name} and its x-kubernetes-group-version-kind.

import { groupVersion, type ResourceType, type Verb } from '../api/types.ts';
import { definitionForKind, listDefinitionForKind } from './definitions.ts';
import { OPERATION_PARAMS, type Action, type QueryParam } from './parameters.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  /** Definition of the response body (and of the request body for post/put). */
  response: string;
  /** What the request body is: the object itself, a patch, or optional DeleteOptions. */
  body?: 'object' | 'patch' | 'deleteOptions';
  /** Query parameters the operation takes (see parameters.ts). */
  query: QueryParam[];
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
export const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

function op(method: Method, action: Action, operationId: string, description: string, response: string, body?: Operation['body']): Operation {
  return { method, action, operationId, description, response, body, query: OPERATION_PARAMS[action] };
}

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
  const list = listDefinitionForKind(r);
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
    coll.push(op('get', 'list', id('list'), `list or watch objects of kind ${noun}`, list));
  }
  if (has('create')) {
    coll.push(op('post', 'post', id('create'), `create a ${noun}`, def, 'object'));
  }
  if (has('deletecollection')) {
    coll.push(op('delete', 'deletecollection', id('deleteCollection'), `delete collection of ${noun}`, STATUS, 'deleteOptions'));
  }
  if (has('get')) {
    item.push(op('get', 'get', id('read'), `read the specified ${noun}`, def));
  }
  if (has('update')) {
    item.push(op('put', 'put', id('replace'), `replace the specified ${noun}`, def, 'object'));
  }
  if (has('patch')) {
    item.push(op('patch', 'patch', id('patch'), `partially update the specified ${noun}`, def, 'patch'));
  }
  if (has('delete')) {
    item.push(op('delete', 'delete', id('delete'), `delete a ${noun}`, STATUS, 'deleteOptions'));
  }
  const out: PathItem[] = [];
  if (coll.length > 0) out.push({ path: collection, params, gvk, tag, operations: coll });
  if (item.length > 0) out.push({ path: `${collection}/{name}`, params: [...params, 'name'], gvk, tag, operations: item });
  return out;
}

/** Definitions a document must carry for the given resources' operations. */
export function rootDefinitions(items: PathItem[]): Set<string> {
  const out = new Set<string>();
  for (const it of items) {
    for (const o of it.operations) {
      out.add(o.response);
      if (o.body === 'deleteOptions') out.add(DELETE_OPTIONS);
    }
  }
  return out;
}

/** Status codes an operation answers with on success, as upstream declares them. */
export function successCodes(o: Operation): string[] {
  switch (o.method) {
    case 'post':
      return ['200', '201', '202'];
    case 'put':
    case 'patch':
      return ['200', '201'];
    case 'delete':
      return o.action === 'delete' ? ['200', '202'] : ['200'];
    default:
      return ['200'];
  }
}

const CODE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
export const codeText = (code: string): string => CODE_TEXT[code] ?? code;

/** Stable identity of a resource list, for caching documents built from it. */
export function resourcesSignature(resources: ResourceType[]): string {
  return resources
    .map((r) => `${r.group}/${r.version}/${r.kind}/${r.plural}/${r.namespaced}/${r.verbs.join(',')}/${r.openapiName ?? ''}/${r.schema?.openapi.hash ?? ''}`)
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
