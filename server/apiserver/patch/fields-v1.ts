// The FieldsV1 of every field an object sets, written straight from the object: what
// toFieldsV1(stripSystemFields(fieldSetOf(value, schema, mode))) gives, without building the
// field set first. For a write whose manager is the only one (a create, an apply that
// creates), the set is never needed for anything else, and building it (a node and a Map per
// field) was most of the cost of a create's managedFields.

import { childrenOf, isItem, SYSTEM_METADATA } from './fieldset.ts';
import { isObject } from './json.ts';
import type { JsonObject } from './json.ts';
import { comparePathElements, fieldElement, type PathElement } from './path-element.ts';
import { mapTypeOf, type PatchSchema } from './schema.ts';

type Mode = 'apply' | 'all';

/** Two items of a list with the same key: the field set merges them; this writer leaves it to it. */
class DuplicateElement extends Error {}

/** Top-level fields and metadata fields no manager owns (as stripSystemFields drops them). */
const ROOT_SKIPPED: ReadonlySet<string> = new Set(['apiVersion', 'kind']);
const SYSTEM_METADATA_FIELDS: ReadonlySet<string> = new Set(SYSTEM_METADATA);

/**
 * The FieldsV1 of the fields `value` sets (see fieldSetOf for the modes; `strict` refuses
 * keyed items without a key as it does), system fields left out; undefined when a list holds
 * two items with the same key (the caller builds the field set, which merges them).
 */
export function fieldsV1Of(value: unknown, schema: PatchSchema | undefined, mode: Mode, strict = false): JsonObject | undefined {
  try {
    return nodeJson(value, schema, undefined, mode, strict, ROOT_SKIPPED) ?? {};
  } catch (e) {
    if (e instanceof DuplicateElement) return undefined;
    throw e;
  }
}

/**
 * The FieldsV1 of one node (`pe` the last element of its path, undefined at the root), or null
 * when it records nothing. `skip`: fields of this node left out, and the node itself is no
 * member (the root, and metadata under it).
 */
function nodeJson(value: unknown, schema: PatchSchema | undefined, pe: PathElement | undefined, mode: Mode, strict: boolean, skip?: ReadonlySet<string>): JsonObject | null {
  if (isObject(value)) return objectJson(value, schema, pe, mode, strict, skip);
  if (value === null && mode === 'apply') return null;
  const children = childrenOf(value, schema, strict);
  let member = pe !== undefined && (children === undefined || children.length === 0 || isItem(pe));
  if (skip) member = false;
  const kids: [PathElement, JsonObject][] = [];
  for (const c of children ?? []) {
    if (c.value === null && mode === 'apply') continue;
    const j = nodeJson(c.value, c.schema, c.pe, mode, strict);
    if (j) kids.push([c.pe, j]);
  }
  if (kids.length === 0) return member ? {} : null;
  if (kids.length > 1) sortElements(kids);
  // A member with children is written `{".": {}, ...children}`, a member leaf `{}`.
  const out: JsonObject = member ? { '.': {} } : {};
  for (const [k, j] of kids) out[k] = j;
  return out;
}

/**
 * nodeJson of an object. Its children are fields, whose FieldsV1 order is their names' order
 * (code unit by code unit): the names are sorted once and each child is written straight
 * into the result, with no list of children to sort.
 */
function objectJson(value: JsonObject, schema: PatchSchema | undefined, pe: PathElement | undefined, mode: Mode, strict: boolean, skip?: ReadonlySet<string>): JsonObject | null {
  const mapType = mapTypeOf(schema);
  const keys = mapType === 'atomic' ? [] : Object.keys(value);
  const empty = keys.length === 0;
  // An object's children are its fields, unless it is atomic; a map[string]T node with fields is a member in 'all' mode.
  let member = pe !== undefined && (empty || isItem(pe) || (mode === 'all' && mapType === 'map'));
  if (skip) member = false;
  sortNames(keys);
  let out: JsonObject | undefined;
  for (const k of keys) {
    const v = value[k];
    // A null applies nothing (and leaves no empty node behind).
    if ((v === null && mode === 'apply') || skip?.has(k)) continue;
    const f = fieldElement(k);
    const j = nodeJson(v, schema?.field(k), f, mode, strict, skip === ROOT_SKIPPED && k === 'metadata' ? SYSTEM_METADATA_FIELDS : undefined);
    if (!j) continue;
    // A member with children is written `{".": {}, ...children}`, a member leaf `{}`.
    out ??= member ? { '.': {} } : {};
    out[f] = j;
  }
  return out ?? (member ? {} : null);
}

/**
 * Sorts an object's field names in place, code unit by code unit. Objects have few fields:
 * an insertion sort allocates nothing, where Array.prototype.sort allocated a work array for
 * each (a quarter of what a pod's FieldsV1 cost); long lists go to sort().
 */
function sortNames(keys: string[]): void {
  if (keys.length > 32) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    if (keys[j]! <= k) continue;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

/** In FieldsV1 order; a key met twice (only list items can) is a DuplicateElement. */
function sortElements(kids: [PathElement, JsonObject][]): void {
  let sorted = true;
  let sameKind = kids[0]![0].charCodeAt(0) !== 105; /* i: numeric order */
  const kind = kids[0]![0].charCodeAt(0);
  for (let i = 1; i < kids.length; i++) {
    const c = comparePathElements(kids[i - 1]![0], kids[i]![0]);
    if (c === 0) throw new DuplicateElement();
    if (c > 0) sorted = false;
    if (kids[i]![0].charCodeAt(0) !== kind) sameKind = false;
  }
  if (sorted) return;
  // Elements of one kind (but indexes) order as their strings do, code unit by code unit.
  kids.sort(sameKind ? (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : (a, b) => comparePathElements(a[0], b[0]));
  for (let i = 1; i < kids.length; i++) if (kids[i - 1]![0] === kids[i]![0]) throw new DuplicateElement();
}
