// Strategic merge patch (application/strategic-merge-patch+json): a merge patch whose
// lists merge the way the schema says (patchStrategy merge, by patchMergeKey, or as a set
// of scalars), plus the directives kubectl writes:
//   $patch: replace | delete | merge     on a map, or as a list element
//   $retainKeys: [..]                     keep only these keys of the original map
//   $deleteFromPrimitiveList/<f>: [..]    remove these scalars from list f
//   $setElementOrder/<f>: [..]            the order of list f after merging
// Without schema (custom resources) every list is replaced, as in a JSON merge patch.

import { StatusError, badRequest } from '../../../api/meta/errors.ts';
import { malformedPatch, patchNotApplicable } from './errors.ts';
import { clone, decodeJsonBody, deepEqual, isObject } from './json.ts';
import type { JsonObject } from './json.ts';
import { smpListRule } from './schema.ts';
import type { PatchSchema } from './schema.ts';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

/**
 * Applies a strategic merge patch to `live` without modifying it; `body` is text, bytes or
 * decoded JSON. Only the objects and lists on a patched path are copied: the result shares
 * every untouched subtree with `live` (which lets managedFields skip them by identity, and a
 * status patch no longer copies the pod's spec).
 */
export function applyStrategicMergePatch(live: JsonObject, body: unknown, schema: PatchSchema | undefined): JsonObject {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) throw malformedPatch(`error decoding patch: ${decoded.error}`);
  if (!isObject(decoded.value)) {
    throw malformedPatch('error decoding patch: a strategic merge patch must be a JSON object');
  }
  return mergeMap(live, decoded.value, schema);
}

/**
 * Merges `patch` into a shallow copy of `from` and returns it; `from` is not modified (nested
 * maps and lists the patch reaches are copied the same way, by mergeMap and mergeList).
 */
export function mergeMap(from: JsonObject, patch: JsonObject, schema: PatchSchema | undefined): JsonObject {
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'replace') return fresh(withoutKey(patch, PATCH), schema) as JsonObject;
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw unknownDirective(directive, patch);
  }
  const original: JsonObject = { ...from };
  applyRetainKeys(original, patch);

  const orders: Array<[string, unknown[]]> = [];
  // Patches are decoded JSON (plain objects): `for in` walks their own keys without the array
  // of [key, value] pairs Object.entries builds.
  for (const key in patch) {
    const value = patch[key];
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      if (!Array.isArray(value)) throw badRequest('invalid patch format of primitive list');
      const current = original[field];
      if (Array.isArray(current)) original[field] = current.filter((x) => !value.some((d) => deepEqual(d, x)));
    } else if (key.startsWith(SET_ELEMENT_ORDER)) {
      if (!Array.isArray(value)) throw badRequest('invalid patch format of setElementOrder list');
      orders.push([key.slice(SET_ELEMENT_ORDER.length), value]);
    }
  }

  const serverOrder = new Map<string, unknown[]>();
  for (const [field] of orders) {
    const current = original[field];
    if (Array.isArray(current)) serverOrder.set(field, [...current]);
  }

  for (const key in patch) {
    const value = patch[key];
    if (key === PATCH || key === RETAIN_KEYS) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    const sub = schema?.field(key);
    if (value === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    if (current === undefined || current === null) {
      original[key] = fresh(value, sub);
    } else if (isObject(current) && isObject(value)) {
      original[key] = replaces(sub) ? fresh(value, sub) : mergeMap(current, value, sub);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      original[key] = mergeList(current, value, sub);
    } else {
      original[key] = fresh(value, sub);
    }
  }

  for (const [field, order] of orders) {
    const merged = original[field];
    if (!Array.isArray(merged)) continue;
    const rule = smpListRule(schema?.field(field));
    original[field] = reorder(merged, order, serverOrder.get(field) ?? [], rule.mergeKey);
  }
  return original;
}

function replaces(schema: PatchSchema | undefined): boolean {
  const s = schema?.listStrategy().patchStrategy ?? '';
  return s.split(',').some((x) => x.trim() === 'replace');
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const retain = patch[RETAIN_KEYS];
  if (retain === undefined) return;
  if (!Array.isArray(retain) || !retain.every((k) => typeof k === 'string')) {
    throw badRequest('invalid patch format of retainKeys');
  }
  const keep = new Set<string>(retain as string[]);
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$') || v === null) continue;
    if (!keep.has(k)) throw patchNotApplicable("patch content doesn't match retainKeys list");
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** Merges a patch list into an original list per the field's patch strategy. */
export function mergeList(original: unknown[], patch: unknown[], schema: PatchSchema | undefined): unknown[] {
  const rule = smpListRule(schema);
  const items = schema?.items();
  if (!rule.merge) return patch.filter((x) => !isDirectiveElement(x)).map((x) => fresh(x, items));
  if (patch.some(Array.isArray) || original.some(Array.isArray)) {
    throw patchNotApplicable('lists of lists are not supported');
  }

  let result = [...original];
  const rest: unknown[] = [];
  let replaceAll = false;
  for (const el of patch) {
    if (!isDirectiveElement(el)) {
      rest.push(el);
      continue;
    }
    const directive = el[PATCH];
    if (directive === 'replace') replaceAll = true;
    else if (directive === 'delete') {
      if (!rule.mergeKey) {
        result = result.filter((x) => !deepEqual(x, withoutKey(el, PATCH)));
        continue;
      }
      const key = mergeKeyOf(el, rule.mergeKey);
      result = result.filter((x) => !(isObject(x) && deepEqual(x[rule.mergeKey as string], key)));
    } else if (directive !== 'merge') throw unknownDirective(directive, el);
  }
  if (replaceAll) return rest.map((x) => fresh(x, items));

  const scalars = rest.length > 0 ? !rest.some(isObject) : !result.some(isObject);
  if (scalars || !rule.mergeKey) {
    const out: unknown[] = [];
    for (const x of [...result, ...rest]) if (!out.some((y) => deepEqual(x, y))) out.push(clone(x));
    return out;
  }

  const mergeKey = rule.mergeKey;
  for (const el of rest) {
    if (!isObject(el)) throw badRequest(`expected a map in list ${mergeKey} merge, but received ${JSON.stringify(el)}`);
    const key = mergeKeyOf(el, mergeKey);
    const i = result.findIndex((x) => isObject(x) && deepEqual(x[mergeKey], key));
    if (i >= 0) result[i] = mergeMap(result[i] as JsonObject, el, items);
    else result.push(fresh(el, items));
  }
  return result;
}

function mergeKeyOf(el: JsonObject, mergeKey: string): unknown {
  const key = el[mergeKey];
  if (key === undefined) {
    throw badRequest(`map: ${JSON.stringify(withoutKey(el, PATCH))} does not contain declared merge key: ${mergeKey}`);
  }
  return key;
}

function isDirectiveElement(x: unknown): x is JsonObject {
  return isObject(x) && x[PATCH] !== undefined;
}

/**
 * A patch value taken where the original had nothing: directives are resolved against an
 * empty original and nulls dropped, so no `$` keys or nulls reach the stored object.
 */
function fresh(value: unknown, schema: PatchSchema | undefined): unknown {
  if (isObject(value)) return mergeMap({}, value, schema);
  if (Array.isArray(value)) {
    const rule = smpListRule(schema);
    if (rule.merge) return mergeList([], value, schema);
    return value.filter((x) => !isDirectiveElement(x)).map((x) => fresh(x, schema?.items()));
  }
  return value;
}

/**
 * The order of a merged list under $setElementOrder: the elements the order names come in
 * that order; elements only the server had keep their place relative to them (by their
 * position in the server's list).
 */
function reorder(merged: unknown[], order: unknown[], server: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (x: unknown): unknown => (mergeKey && isObject(x) ? x[mergeKey] : x);
  const indexIn = (list: unknown[], x: unknown): number => list.findIndex((y) => deepEqual(keyOf(y), keyOf(x)));
  const named = merged.filter((x) => indexIn(order, x) >= 0).sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const serverOnly = merged.filter((x) => indexIn(order, x) < 0);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < named.length || j < serverOnly.length) {
    if (j >= serverOnly.length) out.push(named[i++]);
    else if (i >= named.length) out.push(serverOnly[j++]);
    else {
      const a = indexIn(server, named[i]);
      const b = indexIn(server, serverOnly[j]);
      if (a >= 0 && b >= 0 && a < b) out.push(named[i++]);
      else out.push(serverOnly[j++]);
    }
  }
  return out;
}

function withoutKey(o: JsonObject, key: string): JsonObject {
  const { [key]: _drop, ...rest } = o;
  return rest;
}

function unknownDirective(directive: unknown, where: JsonObject): StatusError {
  return badRequest(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(where)}`);
}
