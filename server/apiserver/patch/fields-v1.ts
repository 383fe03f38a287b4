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

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

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
  let member = false;
  const kids: [PathElement, JsonObject][] = [];
  if (isObject(value)) {
    const mapType = mapTypeOf(schema);
    let empty = true;
    if (mapType !== 'atomic') {
      for (const k in value) {
        if (!hasOwn(value, k)) continue;
        if (empty && pe !== undefined && mode === 'all' && mapType === 'map') member = true;
        empty = false;
        const v = value[k];
        // A null applies nothing (and leaves no empty node behind).
        if ((v === null && mode === 'apply') || skip?.has(k)) continue;
        const f = fieldElement(k);
        const j = nodeJson(v, schema?.field(k), f, mode, strict, skip === ROOT_SKIPPED && k === 'metadata' ? SYSTEM_METADATA_FIELDS : undefined);
        if (j) kids.push([f, j]);
      }
    }
    if (pe !== undefined && (empty || isItem(pe))) member = true;
  } else {
    if (value === null && mode === 'apply') return null;
    const children = childrenOf(value, schema, strict);
    if (pe !== undefined && (children === undefined || children.length === 0 || isItem(pe))) member = true;
    for (const c of children ?? []) {
      if (c.value === null && mode === 'apply') continue;
      const j = nodeJson(c.value, c.schema, c.pe, mode, strict);
      if (j) kids.push([c.pe, j]);
    }
  }
  if (skip) member = false;
  if (kids.length === 0) return member ? {} : null;
  if (kids.length > 1) sortElements(kids);
  // A member with children is written `{".": {}, ...children}`, a member leaf `{}`.
  const out: JsonObject = member ? { '.': {} } : {};
  for (const [k, j] of kids) out[k] = j;
  return out;
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
