// Small building blocks for the built-in registry entries in api/<group>/<kind>/index.ts:
// the verb sets and subresources upstream's discovery lists, and field-selector getters.

import type { KubeObject, Subresource, Verb } from './types.ts';

/** Everything a normal stored resource answers to. */
export const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** Namespaces: no deletecollection. */
export const ALL_BUT_DELETECOLLECTION: Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
/** Virtual resources (reviews, bindings): POST only, nothing is stored. */
export const CREATE_ONLY: Verb[] = ['create'];
/** What discovery lists for a connect subresource that takes every HTTP method (proxy). */
export const PROXY_VERBS: Verb[] = ['create', 'delete', 'get', 'patch', 'update'];
const GET_PATCH_UPDATE: Verb[] = ['get', 'patch', 'update'];

/** /status: the same kind, read and written apart from the spec. */
export function status(kind: string): Subresource {
  return { name: 'status', kind, verbs: GET_PATCH_UPDATE };
}

/** /scale: autoscaling/v1 Scale over spec.replicas. */
export function scale(): Subresource {
  return { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: GET_PATCH_UPDATE };
}

export function proxy(kind: string): Subresource {
  return { name: 'proxy', kind, verbs: PROXY_VERBS };
}

/** Reads a dotted path of plain object fields; undefined when any step is missing. */
export function pathValue(obj: KubeObject, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A string field as a field selector sees it: missing is "". */
export function strField(path: string): (obj: KubeObject) => string {
  return (obj) => {
    const v = pathValue(obj, path);
    return typeof v === 'string' ? v : '';
  };
}

/** A boolean field as a field selector sees it: "true" or "false" (missing is false). */
export function boolField(path: string): (obj: KubeObject) => string {
  return (obj) => String(pathValue(obj, path) === true);
}

/** An integer field as a field selector sees it: missing is "0". */
export function intField(path: string): (obj: KubeObject) => string {
  return (obj) => {
    const v = pathValue(obj, path);
    return typeof v === 'number' ? String(v) : '0';
  };
}
