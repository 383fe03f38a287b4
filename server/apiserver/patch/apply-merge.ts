// The object side of server-side apply: merging an applied configuration into the live
// object, and removing the fields an applier stopped applying.

import { FieldSet } from './fieldpath.ts';
import type { PathElement } from './fieldpath.ts';
import { childrenOf, findChild, removeChild } from './fieldset.ts';
import { clone, deepEqual, isObject } from './json.ts';
import type { JsonObject } from './json.ts';
import { mapTypeOf, ssaListKind } from './schema.ts';
import type { PatchSchema } from './schema.ts';

/**
 * Merges `config` into `live` (neither is modified): objects field by field, keyed lists
 * item by item, sets as a union, atomic values and scalars replaced. A null in the config
 * removes the field. Returns undefined when the result is "no value".
 */
export function mergeApplied(live: unknown, config: unknown, schema: PatchSchema | undefined): unknown {
  if (config === null) return undefined;
  if (isObject(config) && isObject(live) && mapTypeOf(schema) !== 'atomic') {
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(config)) {
      const merged = mergeApplied(live[k], v, schema?.field(k));
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live) && ssaListKind(schema).kind !== 'atomic') {
    return mergeLists(live, config, schema);
  }
  return withoutNulls(config);
}

/**
 * Applied items come in the applied order; items only the live list has stay after the
 * item that preceded them in the live list (or first, when nothing did).
 */
function mergeLists(live: unknown[], config: unknown[], schema: PatchSchema | undefined): unknown[] {
  const lc = childrenOf(live, schema) ?? [];
  const cc = childrenOf(config, schema) ?? [];
  const configPes = new Set(cc.map((c) => c.pe));
  const anchored = new Map<PathElement | null, unknown[]>();
  let anchor: PathElement | null = null;
  for (const c of lc) {
    if (configPes.has(c.pe)) anchor = c.pe;
    else anchored.set(anchor, [...(anchored.get(anchor) ?? []), c.value]);
  }
  const out: unknown[] = [...(anchored.get(null) ?? [])];
  const seen = new Set<PathElement>();
  for (const c of cc) {
    if (seen.has(c.pe)) continue;
    seen.add(c.pe);
    const current = lc.find((l) => l.pe === c.pe);
    const merged = current ? mergeApplied(current.value, c.value, c.schema) : withoutNulls(c.value);
    if (merged !== undefined) out.push(merged);
    out.push(...(anchored.get(c.pe) ?? []));
  }
  return out;
}

function withoutNulls(v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => withoutNulls(x) ?? null);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}

/**
 * Completes the keys of applied keyed-list items from the live item they can only mean:
 * an applied port {containerPort: 80} is the live {containerPort: 80, protocol: TCP}
 * (upstream gets there through the key's schema default).
 */
export function completeKeys(config: unknown, live: unknown, schema: PatchSchema | undefined): unknown {
  if (isObject(config)) {
    if (mapTypeOf(schema) === 'atomic') return clone(config);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(config)) {
      out[k] = completeKeys(v, isObject(live) ? live[k] : undefined, schema?.field(k));
    }
    return out;
  }
  if (!Array.isArray(config)) return clone(config);
  const list = ssaListKind(schema);
  if (list.kind === 'atomic') return clone(config);
  const liveItems = Array.isArray(live) ? live : [];
  return config.map((item) => {
    if (list.kind !== 'map' || !isObject(item)) return clone(item);
    const present = list.keys.filter((k) => item[k] !== undefined);
    const matches = liveItems.filter((l) => isObject(l) && present.every((k) => deepEqual(l[k], item[k])));
    const exact = matches.filter((l) => list.keys.every((k) => deepEqual((l as JsonObject)[k], item[k])));
    const match = exact.length === 1 ? exact[0] : matches.length === 1 ? matches[0] : undefined;
    const filled: JsonObject = { ...item };
    if (isObject(match)) for (const k of list.keys) if (filled[k] === undefined && match[k] !== undefined) filled[k] = match[k];
    return completeKeys(filled, match, schema?.items());
  });
}

/**
 * Removes from `value` the members of `toRemove`, except where `keep` (what other
 * managers own) has the path or anything under it; there only the unshared parts go.
 * Maps (map[string]T) that this empties are removed too.
 */
export function pruneFields(value: unknown, toRemove: FieldSet, keep: FieldSet | undefined, schema: PatchSchema | undefined): void {
  for (const [pe, node] of toRemove.children) {
    const child = findChild(value, pe, schema);
    if (!child) continue;
    const kept = keep?.child(pe);
    if (node.member && (!kept || kept.isEmpty())) {
      removeChild(value, child);
      continue;
    }
    const wasEmpty = isEmptyObject(child.value);
    pruneFields(child.value, node, kept, child.schema);
    if (!wasEmpty && isEmptyObject(child.value) && mapTypeOf(child.schema) === 'map' && !kept?.member) {
      removeChild(value, findChild(value, pe, schema) ?? child);
    }
  }
}

function isEmptyObject(v: unknown): boolean {
  return isObject(v) && Object.keys(v).length === 0;
}
