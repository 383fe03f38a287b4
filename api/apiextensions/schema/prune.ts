// Structural defaulting and pruning of custom resources, as upstream applies them at decode
// time: defaults fill absent fields (and nulls of non-nullable ones); fields the schema does
// not declare are dropped unless x-kubernetes-preserve-unknown-fields keeps them.

import type { JSONSchemaProps } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Whether any node of the schema carries a default. */
export function hasDefaults(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  if (s.default !== undefined) return true;
  if (Object.values(s.properties ?? {}).some(hasDefaults)) return true;
  if (typeof s.additionalProperties === 'object' && hasDefaults(s.additionalProperties)) return true;
  return !Array.isArray(s.items) && hasDefaults(s.items);
}

/** Applies defaults in place; true when something changed. */
export function applyDefaults(s: JSONSchemaProps, v: unknown): boolean {
  let changed = false;
  if (isObj(v)) {
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      const cur = v[k];
      if (p.default !== undefined && (cur === undefined || (cur === null && !p.nullable))) {
        v[k] = copy(p.default);
        changed = true;
      }
      if (v[k] !== undefined && applyDefaults(p, v[k])) changed = true;
    }
    if (typeof s.additionalProperties === 'object') {
      const ap = s.additionalProperties;
      for (const k of Object.keys(v)) {
        if (s.properties?.[k]) continue;
        if (applyDefaults(ap, v[k])) changed = true;
      }
    }
  } else if (Array.isArray(v) && s.items && !Array.isArray(s.items)) {
    const items = s.items;
    for (const item of v) if (applyDefaults(items, item)) changed = true;
  }
  return changed;
}

const EMBEDDED_META = new Set(['name', 'namespace', 'generateName', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields']);

/**
 * Drops undeclared fields in place and returns their paths (".spec.foo"). At the root,
 * apiVersion, kind and metadata are always kept (metadata is ObjectMeta's business).
 */
export function prune(s: JSONSchemaProps, v: unknown, path = '', root = true, out: string[] = []): string[] {
  if (isObj(v)) {
    const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
    const embedded = root || !!s['x-kubernetes-embedded-resource'];
    for (const k of Object.keys(v)) {
      const p = s.properties?.[k];
      const kp = `${path}.${k}`;
      if (embedded && (k === 'apiVersion' || k === 'kind')) continue;
      if (embedded && k === 'metadata') {
        if (!root && isObj(v.metadata)) {
          for (const mk of Object.keys(v.metadata)) {
            if (!EMBEDDED_META.has(mk)) {
              delete v.metadata[mk];
              out.push(`${kp}.${mk}`);
            }
          }
        }
        continue;
      }
      if (p) prune(p, v[k], kp, false, out);
      else if (typeof s.additionalProperties === 'object') prune(s.additionalProperties, v[k], kp, false, out);
      else if (s.additionalProperties === true || preserve) continue;
      else {
        delete v[k];
        out.push(kp);
      }
    }
  } else if (Array.isArray(v) && s.items && !Array.isArray(s.items)) {
    const items = s.items;
    v.forEach((item, i) => prune(items, item, `${path}[${i}]`, false, out));
  }
  return out;
}
