// Structural defaulting and pruning of custom resources, as upstream applies them at decode
// time: defaults fill absent fields (and nulls of non-nullable ones); fields the schema does
// not declare are dropped unless x-kubernetes-preserve-unknown-fields keeps them.
//
// Each schema node is compiled once into a defaulter that visits only the parts of a value
// under which some default lives (a 200-item list with no default inside is not walked).

import { cloneJson } from '../../meta/json.ts';
import type { JSONSchemaProps } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const withDefaults = new WeakMap<JSONSchemaProps, boolean>();

/** Whether any node of the schema carries a default. */
export function hasDefaults(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  let has = withDefaults.get(s);
  if (has === undefined) {
    has =
      s.default !== undefined ||
      Object.values(s.properties ?? {}).some(hasDefaults) ||
      (typeof s.additionalProperties === 'object' && hasDefaults(s.additionalProperties)) ||
      (!Array.isArray(s.items) && hasDefaults(s.items));
    withDefaults.set(s, has);
  }
  return has;
}

/**
 * Applies the node's defaults to `v` in place, true when something changed; with `dryRun`,
 * changes nothing and answers whether it would (stopping at the first default missing).
 */
type Defaulter = (v: unknown, dryRun: boolean) => boolean;

const defaulters = new WeakMap<JSONSchemaProps, Defaulter>();

function defaulterOf(s: JSONSchemaProps): Defaulter {
  let d = defaulters.get(s);
  if (!d) defaulters.set(s, (d = compileDefaults(s)));
  return d;
}

const NOTHING: Defaulter = () => false;

function compileDefaults(s: JSONSchemaProps): Defaulter {
  if (!hasDefaults(s)) return NOTHING;
  // The declared fields with a default of their own or below them, in declaration order.
  const fields = Object.entries(s.properties ?? {}).filter(([, p]) => hasDefaults(p));
  const ap = typeof s.additionalProperties === 'object' && hasDefaults(s.additionalProperties) ? s.additionalProperties : undefined;
  const items = !Array.isArray(s.items) && hasDefaults(s.items) ? s.items : undefined;
  return (v, dryRun) => {
    let changed = false;
    if (isObj(v)) {
      for (const [k, p] of fields) {
        const cur = v[k];
        if (p.default !== undefined && (cur === undefined || (cur === null && !p.nullable))) {
          if (dryRun) return true;
          v[k] = cloneJson(p.default);
          changed = true;
        }
        if (v[k] !== undefined && defaulterOf(p)(v[k], dryRun)) {
          if (dryRun) return true;
          changed = true;
        }
      }
      if (ap) {
        const apply = defaulterOf(ap);
        for (const k of Object.keys(v)) {
          if (s.properties?.[k]) continue;
          if (apply(v[k], dryRun)) {
            if (dryRun) return true;
            changed = true;
          }
        }
      }
    } else if (Array.isArray(v) && items) {
      const apply = defaulterOf(items);
      for (const item of v) {
        if (apply(item, dryRun)) {
          if (dryRun) return true;
          changed = true;
        }
      }
    }
    return changed;
  };
}

/** Applies defaults in place; true when something changed. */
export function applyDefaults(s: JSONSchemaProps, v: unknown): boolean {
  return defaulterOf(s)(v, false);
}

/** Whether applyDefaults would change `v` (which it leaves as it is). */
export function needsDefaults(s: JSONSchemaProps, v: unknown): boolean {
  return defaulterOf(s)(v, true);
}

const EMBEDDED_META = new Set(['name', 'namespace', 'generateName', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields']);

/**
 * Drops undeclared fields in place and returns their paths (".spec.foo"). At the root,
 * apiVersion, kind and metadata are always kept (metadata is ObjectMeta's business).
 */
export function prune(s: JSONSchemaProps, v: unknown, path = '', root = true, out: string[] = []): string[] {
  pruneAt(s, v, { root: path, segments: [] }, root, out);
  return out;
}

/** A field path as a root and the segments below it, made a string only for a pruned field. */
interface PathStack {
  root: string;
  segments: (string | number)[];
}

function pathOf(p: PathStack, last: string): string {
  let s = p.root;
  for (const seg of p.segments) s += typeof seg === 'number' ? `[${seg}]` : `.${seg}`;
  return `${s}.${last}`;
}

function pruneAt(s: JSONSchemaProps, v: unknown, path: PathStack, root: boolean, out: string[]): void {
  if (isObj(v)) {
    const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
    const embedded = root || !!s['x-kubernetes-embedded-resource'];
    for (const k of Object.keys(v)) {
      const p = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
      if (embedded && (k === 'apiVersion' || k === 'kind')) continue;
      if (embedded && k === 'metadata') {
        if (!root && isObj(v.metadata)) {
          for (const mk of Object.keys(v.metadata)) {
            if (!EMBEDDED_META.has(mk)) {
              delete v.metadata[mk];
              out.push(`${pathOf(path, k)}.${mk}`);
            }
          }
        }
        continue;
      }
      const sub = p ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (sub) {
        path.segments.push(k);
        pruneAt(sub, v[k], path, false, out);
        path.segments.pop();
      } else if (s.additionalProperties === true || preserve) continue;
      else {
        delete v[k];
        out.push(pathOf(path, k));
      }
    }
  } else if (Array.isArray(v) && s.items && !Array.isArray(s.items)) {
    const items = s.items;
    for (let i = 0; i < v.length; i++) {
      path.segments.push(i);
      pruneAt(items, v[i], path, false, out);
      path.segments.pop();
    }
  }
}
