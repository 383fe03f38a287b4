// The object side of server-side apply: merging an applied configuration into the live
// object, and removing the fields an applier stopped applying.

import type { PathElement } from './fieldpath.ts';
import { FieldSet, keyElement } from './fieldpath.ts';
import { childrenOf, findChild, removeChild } from './fieldset.ts';
import type { Child } from './fieldset.ts';
import { deepEqual, isObject } from './json.ts';
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
  // The first live item of each path element is the one an applied item merges into.
  const liveByPe = new Map<PathElement, Child>();
  const anchored = new Map<PathElement | null, unknown[]>();
  let anchor: PathElement | null = null;
  for (const c of lc) {
    if (!liveByPe.has(c.pe)) liveByPe.set(c.pe, c);
    if (configPes.has(c.pe)) anchor = c.pe;
    else {
      const after = anchored.get(anchor);
      if (after) after.push(c.value);
      else anchored.set(anchor, [c.value]);
    }
  }
  const out: unknown[] = [...(anchored.get(null) ?? [])];
  const seen = new Set<PathElement>();
  for (const c of cc) {
    if (seen.has(c.pe)) continue;
    seen.add(c.pe);
    const current = liveByPe.get(c.pe);
    const merged = current ? mergeApplied(current.value, c.value, c.schema) : withoutNulls(c.value);
    if (merged !== undefined) out.push(merged);
    const after = anchored.get(c.pe);
    if (after) for (const v of after) out.push(v);
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
 * (upstream gets there through the key's schema default). `config` is not modified; what
 * needs no completing is returned as it is (the same object), so the usual configuration,
 * whose items name all their keys, costs one lookup per item and no copy.
 */
export function completeKeys(config: unknown, live: unknown, schema: PatchSchema | undefined): unknown {
  if (isObject(config)) {
    // Keys are completed from live items only: where live has nothing, nothing changes.
    if (!isObject(live) || mapTypeOf(schema) === 'atomic') return config;
    let out: JsonObject | undefined;
    for (const k of Object.keys(config)) {
      const v = config[k];
      const c = completeKeys(v, live[k], schema?.field(k));
      if (c === v) continue;
      out ??= { ...config };
      out[k] = c;
    }
    return out ?? config;
  }
  if (!Array.isArray(config) || !Array.isArray(live) || live.length === 0) return config;
  const list = ssaListKind(schema);
  if (list.kind !== 'map') return config;
  const items = schema?.items();
  let byKey: Map<PathElement, JsonObject[]> | undefined;
  let out: unknown[] | undefined;
  for (let i = 0; i < config.length; i++) {
    const item = config[i];
    if (!isObject(item)) continue;
    let match: JsonObject | undefined;
    if (list.keys.every((k) => item[k] !== undefined)) {
      // Every key given: the one live item with the same key values, if there is exactly one.
      byKey ??= liveItemsByKey(live, list.keys);
      const same = byKey.get(keyElement(item, list.keys));
      match = same?.length === 1 ? same[0] : undefined;
    } else {
      match = onlyMatch(live, item, list.keys);
    }
    if (!match) continue;
    let filled = item;
    for (const k of list.keys) {
      if (filled[k] === undefined && match[k] !== undefined) {
        if (filled === item) filled = { ...item };
        filled[k] = match[k];
      }
    }
    const completed = completeKeys(filled, match, items);
    if (completed === item) continue;
    out ??= config.slice();
    out[i] = completed;
  }
  return out ?? config;
}

/** Live items that have every key, by their key path element. */
function liveItemsByKey(live: unknown[], keys: string[]): Map<PathElement, JsonObject[]> {
  const out = new Map<PathElement, JsonObject[]>();
  for (const l of live) {
    if (!isObject(l) || !keys.every((k) => l[k] !== undefined)) continue;
    const pe = keyElement(l, keys);
    const same = out.get(pe);
    if (same) same.push(l);
    else out.set(pe, [l]);
  }
  return out;
}

/**
 * The live item an applied item that lacks some keys means: the one whose keys equal all of
 * the item's keys, else the one whose keys equal the keys the item gives.
 */
function onlyMatch(live: unknown[], item: JsonObject, keys: string[]): JsonObject | undefined {
  const present = keys.filter((k) => item[k] !== undefined);
  const matches = live.filter((l): l is JsonObject => isObject(l) && present.every((k) => deepEqual(l[k], item[k])));
  const exact = matches.filter((l) => keys.every((k) => deepEqual(l[k], item[k])));
  return exact.length === 1 ? exact[0] : matches.length === 1 ? matches[0] : undefined;
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
