// Field sets of objects, read through the schema: which paths an object sets, and what
// changed between two versions of an object.

import { badRequest } from '../../../api/meta/errors.ts';
import { FieldSet, fieldElement, indexElement, keyElement, valueElement } from './fieldpath.ts';
import type { FieldPath, PathElement } from './fieldpath.ts';
import { deepEqual, isObject } from './json.ts';
import type { JsonObject } from './json.ts';
import { mapTypeOf, ssaListKind } from './schema.ts';
import type { PatchSchema } from './schema.ts';

export interface Child {
  pe: PathElement;
  value: unknown;
  schema: PatchSchema | undefined;
  /** For list items: the index in the list. */
  index?: number;
}

/**
 * The children of a value as field tracking sees them, or undefined for a leaf (a scalar,
 * an atomic list or map). `strict` rejects keyed-list items without any key (apply
 * configurations); otherwise such items are tracked by index.
 */
export function childrenOf(value: unknown, schema: PatchSchema | undefined, strict = false): Child[] | undefined {
  if (isObject(value)) {
    if (mapTypeOf(schema) === 'atomic') return undefined;
    return Object.entries(value).map(([k, v]) => ({ pe: fieldElement(k), value: v, schema: schema?.field(k) }));
  }
  if (!Array.isArray(value)) return undefined;
  const list = ssaListKind(schema);
  const items = schema?.items();
  if (list.kind === 'atomic') return undefined;
  if (list.kind === 'set') return value.map((v, index) => ({ pe: valueElement(v), value: v, schema: items, index }));
  return value.map((v, index) => {
    if (isObject(v) && list.keys.some((k) => v[k] !== undefined)) {
      return { pe: keyElement(v, list.keys), value: v, schema: items, index };
    }
    if (strict) {
      throw badRequest(`associative list with keys has an element that omits key field ${list.keys.map((k) => `"${k}"`).join(', ')}: ${JSON.stringify(v)}`);
    }
    return { pe: indexElement(index), value: v, schema: items, index };
  });
}

/** A list item's element (keyed, set value or index), not a field. */
export const isItem = (pe: PathElement): boolean => pe[0] !== 'f';

/**
 * The fields a value sets. 'apply' mode is what an applier owns: leaves, list items and
 * atomic values. 'all' mode also counts every map[string]T node (labels, annotations,
 * any object without a struct schema), as upstream records for Update operations.
 */
export function fieldSetOf(value: unknown, schema: PatchSchema | undefined, mode: 'apply' | 'all', strict = false): FieldSet {
  const set = new FieldSet();
  addValue(set, undefined, value, schema, mode, strict);
  return set;
}

/**
 * Adds what `value` sets under `node`, the set's node of the value's path; `pe` is the last
 * element of that path (undefined at the root). Nodes are reached by descending one element
 * at a time, never by walking a path from the root again.
 */
function addValue(node: FieldSet, pe: PathElement | undefined, value: unknown, schema: PatchSchema | undefined, mode: 'apply' | 'all', strict: boolean): void {
  if (isObject(value)) {
    // An object's children are its fields (as childrenOf lists them), unless it is atomic.
    const mapType = mapTypeOf(schema);
    let empty = true;
    if (mapType !== 'atomic') {
      for (const k in value) {
        if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
        if (empty && pe !== undefined && mode === 'all' && mapType === 'map') node.member = true;
        empty = false;
        const v = value[k];
        // A null applies nothing (and leaves no empty node behind).
        if (v === null && mode === 'apply') continue;
        const f = fieldElement(k);
        addValue(node.descend(f), f, v, schema?.field(k), mode, strict);
      }
    }
    if (pe !== undefined && (empty || isItem(pe))) node.member = true;
    return;
  }
  if (value === null && mode === 'apply') return;
  const children = childrenOf(value, schema, strict);
  if (pe !== undefined) {
    const leaf = children === undefined || children.length === 0;
    if (leaf || isItem(pe)) node.member = true;
  }
  if (!children) return;
  for (const c of children) {
    if (c.value === null && mode === 'apply') continue;
    addValue(node.descend(c.pe), c.pe, c.value, c.schema, mode, strict);
  }
}

/** addValue at `path` of `set` (a compareInto stack). */
function addValueAt(set: FieldSet, path: FieldPath, value: unknown, schema: PatchSchema | undefined): void {
  addValue(set.descendPath(path), path.length > 0 ? path[path.length - 1] : undefined, value, schema, 'all', false);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `before` to `after` (both may be undefined). */
export function compareObjects(before: unknown, after: unknown, schema: PatchSchema | undefined): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareInto(before, after, schema, [], out);
  return out;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** `path` is a stack: pushed and popped around each child, copied only by FieldSet.insert. */
function compareInto(before: unknown, after: unknown, schema: PatchSchema | undefined, path: FieldPath, out: Comparison): void {
  // The same value on both sides (a subtree a patch did not touch) holds no change.
  if (before === after) return;
  if (before === undefined) return addValueAt(out.added, path, after, schema);
  if (after === undefined) return addValueAt(out.removed, path, before, schema);
  if (isObject(before) && isObject(after) && mapTypeOf(schema) !== 'atomic') {
    // Both objects: field by field, as childrenOf would list them, without building the lists.
    for (const k in after) {
      if (!hasOwn(after, k)) continue;
      path.push(fieldElement(k));
      compareInto(hasOwn(before, k) ? before[k] : undefined, after[k], schema?.field(k), path, out);
      path.pop();
    }
    for (const k in before) {
      if (!hasOwn(before, k) || hasOwn(after, k)) continue;
      path.push(fieldElement(k));
      compareInto(before[k], undefined, schema?.field(k), path, out);
      path.pop();
    }
    return;
  }
  const bc = childrenOf(before, schema);
  const ac = childrenOf(after, schema);
  if (bc && ac && Array.isArray(before) === Array.isArray(after)) {
    const beforeByPe = new Map(bc.map((c) => [c.pe, c]));
    const afterPes = new Set(ac.map((c) => c.pe));
    for (const c of ac) {
      path.push(c.pe);
      compareInto(beforeByPe.get(c.pe)?.value, c.value, c.schema, path, out);
      path.pop();
    }
    for (const c of bc) {
      if (afterPes.has(c.pe)) continue;
      path.push(c.pe);
      compareInto(c.value, undefined, c.schema, path, out);
      path.pop();
    }
    return;
  }
  if (deepEqual(before, after)) return;
  out.modified.insert(path);
  for (const c of bc ?? []) {
    path.push(c.pe);
    addValueAt(out.removed, path, c.value, c.schema);
    path.pop();
  }
  for (const c of ac ?? []) {
    path.push(c.pe);
    addValueAt(out.added, path, c.value, c.schema);
    path.pop();
  }
}

/** Finds the child of a container named by a path element. */
export function findChild(container: unknown, pe: PathElement, schema: PatchSchema | undefined): Child | undefined {
  if (pe[0] === 'f') {
    if (!isObject(container)) return undefined;
    const name = pe.slice(2);
    return Object.prototype.hasOwnProperty.call(container, name)
      ? { pe, value: container[name], schema: schema?.field(name) }
      : undefined;
  }
  return childrenOf(container, schema)?.find((c) => c.pe === pe);
}

/** Removes a child found by findChild from its container. */
export function removeChild(container: unknown, child: Child): void {
  if (Array.isArray(container) && child.index !== undefined) container.splice(child.index, 1);
  else if (isObject(container) && child.pe[0] === 'f') delete (container as JsonObject)[child.pe.slice(2)];
}

/** Metadata the apiserver sets: never owned by a manager (upstream's stripped fields). */
export const SYSTEM_METADATA = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];

/**
 * Drops apiVersion, kind and system metadata from a set, as upstream does before recording
 * it. The root is changed in place (callers pass sets they just built) and returned; the
 * metadata node is replaced by a trimmed copy, never changed, as set operations share
 * subtrees between sets.
 */
export function stripSystemFields(set: FieldSet): FieldSet {
  const out = set;
  out.deleteChild(fieldElement('apiVersion'));
  out.deleteChild(fieldElement('kind'));
  const metaPe = fieldElement('metadata');
  const meta = out.child(metaPe);
  if (meta) {
    const trimmed = new FieldSet();
    for (const [pe, c] of meta.children) if (!SYSTEM_METADATA_ELEMENTS.has(pe)) trimmed.setChild(pe, c);
    if (trimmed.isEmpty()) out.deleteChild(metaPe);
    else out.setChild(metaPe, trimmed);
  }
  return out;
}

const SYSTEM_METADATA_ELEMENTS: ReadonlySet<string> = new Set(SYSTEM_METADATA.map(fieldElement));
