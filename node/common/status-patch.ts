// What a kubelet sends when a status changes: a strategic merge patch holding only the
// difference between the status the API has and the one it wants (upstream's status managers
// diff old against new, two-way). Lists with a merge key (conditions by type, podIPs and hostIPs
// by ip) carry only the items that changed, each with its key and changed fields, plus
// `$setElementOrder/<list>` so the merged list keeps the wanted order; every other field that
// differs is sent whole (containerStatuses is replaced as a whole, as its schema says).
// A field the old status has and the new one lacks is left alone: the new status is always
// the old one overlaid with what the kubelet owns.

import { deepEqual } from '../../api/meta/validation.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** The merge key of each status list that merges by key (PodStatus and NodeStatus). */
export const STATUS_MERGE_KEYS: Readonly<Record<string, string>> = { conditions: 'type', podIPs: 'ip', hostIPs: 'ip', addresses: 'type' };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Equal as a merge patch sees them: null (delete the field) and no field at all are the same. */
const same = (a: unknown, b: unknown) => deepEqual(a ?? null, b ?? null);

/** The changed fields of one keyed list item (removed fields as null), or undefined. */
function itemDiff(old: JsonObject, next: JsonObject): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const [k, v] of Object.entries(next)) {
    if (!same(old[k], v)) (out ??= {})[k] = v;
  }
  for (const k of Object.keys(old)) if (!(k in next) && old[k] !== null) (out ??= {})[k] = null;
  return out;
}

/** The items of a keyed list that are new or changed, or undefined when none is. */
function listDiff(old: Json[], next: Json[], key: string): Json[] | undefined {
  const byKey = new Map<Json, JsonObject>();
  for (const o of old) if (isObject(o)) byKey.set(o[key], o);
  const out: Json[] = [];
  for (const n of next) {
    if (!isObject(n)) return next; // not a keyed list after all: send it whole
    const o = byKey.get(n[key]);
    if (!o) {
      out.push(n);
      continue;
    }
    const d = itemDiff(o, n);
    if (d) out.push({ [key]: n[key], ...d });
  }
  return out.length ? out : undefined;
}

/**
 * The strategic merge patch of a status from `old` to `next` (both whole status objects), or
 * undefined when nothing changed.
 */
export function statusDiff(old: JsonObject | undefined, next: JsonObject, mergeKeys: Readonly<Record<string, string>> = STATUS_MERGE_KEYS): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const [k, v] of Object.entries(next)) {
    const o = old?.[k];
    const key = mergeKeys[k];
    if (key && Array.isArray(v) && Array.isArray(o) && o.length > 0) {
      const items = listDiff(o, v, key);
      if (!items) continue;
      out ??= {};
      out[`$setElementOrder/${k}`] = v.map((x) => (isObject(x) ? { [key]: x[key] } : x));
      out[k] = items;
    } else if (!same(o, v)) {
      (out ??= {})[k] = v;
    }
  }
  return out;
}
