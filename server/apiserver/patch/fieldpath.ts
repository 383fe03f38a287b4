// Sets of field paths, the content of managedFields[].fieldsV1. A path is a list of path
// elements in their FieldsV1 spelling:
//   f:<name>          a field of an object          .name
//   k:{"name":"x"}    an item of a keyed list       [name="x"]
//   v:"x"             an item of a set              [="x"]
//   i:3               an item of an unkeyed list    [3]
// A node is a member when the path itself is in the set (FieldsV1 writes it `.` when it
// also has children, `{}` when it is a leaf).

import { isObject } from './json.ts';
import type { JsonObject } from './json.ts';
import { comparePathElements, type FieldPath, type PathElement } from './path-element.ts';

export { comparePathElements, fieldElement, indexElement, keyElement, pathToString, valueElement } from './path-element.ts';
export type { FieldPath, PathElement } from './path-element.ts';

/** The children of every node without any: most nodes are leaves, which need no Map of their own. */
const NO_CHILDREN: ReadonlyMap<PathElement, FieldSet> = new Map();

export class FieldSet {
  member = false;
  /** Read only: changed through descend/setChild/deleteChild, which give a node its own Map. */
  children: ReadonlyMap<PathElement, FieldSet> = NO_CHILDREN;

  private ownChildren(): Map<PathElement, FieldSet> {
    if (this.children === NO_CHILDREN) this.children = new Map();
    return this.children as Map<PathElement, FieldSet>;
  }

  setChild(pe: PathElement, c: FieldSet): void {
    this.ownChildren().set(pe, c);
  }

  deleteChild(pe: PathElement): void {
    if (this.children !== NO_CHILDREN) (this.children as Map<PathElement, FieldSet>).delete(pe);
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const set = new FieldSet();
    if (!isObject(v)) return set;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      const child = v[k];
      if (k === '.') set.member = true;
      else {
        const c = FieldSet.fromFieldsV1(child);
        if (!isObject(child) || isEmptyObject(child)) c.member = true;
        set.setChild(k, c);
      }
    }
    return set;
  }

  /**
   * True when toFieldsV1 of the set decoded from `v` is `v` again, key order included: keys in
   * FieldsV1 order, `.` first and only beside other keys, `{}` for leaves, nothing empty.
   * Such JSON can be written back as it is when the set did not change.
   */
  static isCanonicalFieldsV1(v: unknown, root = true): boolean {
    if (!isObject(v)) return false;
    let prev: string | undefined;
    let first = true;
    let dot = false;
    let others = 0;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      const child = v[k];
      if (k === '.') {
        if (root || !first || !isObject(child) || !isEmptyObject(child)) return false;
        dot = true;
      } else {
        if (prev !== undefined && comparePathElements(prev, k) >= 0) return false;
        if (!isObject(child)) return false;
        if (!isEmptyObject(child) && !FieldSet.isCanonicalFieldsV1(child, false)) return false;
        prev = k;
        others++;
      }
      first = false;
    }
    // A node written as only `.` is a member leaf, which toFieldsV1 writes as `{}`; an empty
    // non-root object is a leaf (checked by the caller).
    return !(dot && others === 0);
  }

  /** The FieldsV1 JSON of this set (the root itself is never a member). */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    writeChildren(this, out);
    return out;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  child(pe: PathElement): FieldSet | undefined {
    return this.children.get(pe);
  }

  descend(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.ownChildren().set(pe, c);
    }
    return c;
  }

  /** The node of `path`, made (with the nodes above it) when missing. */
  descendPath(path: FieldPath): FieldSet {
    let node: FieldSet = this;
    for (const pe of path) node = node.descend(pe);
    return node;
  }

  insert(path: FieldPath): void {
    this.descendPath(path).member = true;
  }

  has(path: FieldPath): boolean {
    const node = this.at(path);
    return node !== undefined && node.member;
  }

  at(path: FieldPath): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const pe of path) node = node?.children.get(pe);
    return node;
  }

  /** Removes the membership of `path` (not its children). */
  remove(path: FieldPath): void {
    const node = this.at(path);
    if (node) node.member = false;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [pe, c] of this.children) out.setChild(pe, c.clone());
    return out;
  }

  /**
   * Members of either set. The result shares the subtrees only one side has (sets are not
   * changed in place once built: see stripSystemFields), so adding a few paths to a large
   * set copies only the nodes on those paths.
   */
  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member || other.member;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      out.setChild(pe, o ? c.union(o) : c);
    }
    for (const [pe, o] of other.children) if (!this.children.has(pe)) out.setChild(pe, o);
    return out;
  }

  /** True when some path is a member of both sets. */
  intersects(other: FieldSet): boolean {
    if (this.member && other.member) return true;
    const [small, big] = this.children.size <= other.children.size ? [this, other] : [other, this];
    for (const [pe, c] of small.children) {
      const o = big.children.get(pe);
      if (o && c.intersects(o)) return true;
    }
    return false;
  }

  /** True when both sets have the same members (empty nodes do not count). */
  equals(other: FieldSet): boolean {
    if (this.member !== other.member) return false;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (o ? !c.equals(o) : !c.isEmpty()) return false;
    }
    for (const [pe, o] of other.children) if (!this.children.has(pe) && !o.isEmpty()) return false;
    return true;
  }

  /** Members of this set that are not members of `other` (sharing the subtrees `other` does not reach). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      const d = o ? c.difference(o) : c;
      if (!d.isEmpty()) out.setChild(pe, d);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.isEmpty()) out.setChild(pe, i);
    }
    return out;
  }

  /** Every member path, depth first in FieldsV1 order. */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    if (this.member && prefix.length > 0) out.push(prefix);
    for (const pe of [...this.children.keys()].sort(comparePathElements)) {
      out.push(...(this.children.get(pe) as FieldSet).paths([...prefix, pe]));
    }
    return out;
  }
}

function isEmptyObject(o: JsonObject): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

/** Writes the non-empty children of `node` into `out` in FieldsV1 order; false when there are none. */
function writeChildren(node: FieldSet, out: JsonObject): boolean {
  const size = node.children.size;
  if (size === 0) return false;
  let keys: Iterable<PathElement> = node.children.keys();
  if (size > 1 && !keysSorted(node.children.keys())) {
    const k = [...node.children.keys()];
    if (sameKind(k)) insertionSort(k, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    else insertionSort(k, comparePathElements);
    keys = k;
  }
  let wrote = false;
  for (const pe of keys) {
    const c = node.children.get(pe)!;
    // A member with children is written `{".": {}, ...children}`, a member leaf `{}`.
    if (c.children.size === 0) {
      if (!c.member) continue;
      out[pe] = {};
    } else {
      const inner: JsonObject = c.member ? { '.': {} } : {};
      if (writeChildren(c, inner)) out[pe] = inner;
      else if (c.member) out[pe] = {};
      else continue;
    }
    wrote = true;
  }
  return wrote;
}

/** All elements of one kind but indexes: ordered as their strings are, code unit by code unit. */
function sameKind(keys: PathElement[]): boolean {
  const c = keys[0]!.charCodeAt(0);
  if (c === 105 /* i */) return false;
  for (let i = 1; i < keys.length; i++) if (keys[i]!.charCodeAt(0) !== c) return false;
  return true;
}

function keysSorted(keys: Iterable<PathElement>): boolean {
  let prev: PathElement | undefined;
  for (const k of keys) {
    if (prev !== undefined && comparePathElements(prev, k) > 0) return false;
    prev = k;
  }
  return true;
}

/** In place; a node has few children, and Array.prototype.sort allocated a work array for each. */
function insertionSort(keys: PathElement[], compare: (a: PathElement, b: PathElement) => number): void {
  if (keys.length > 32) {
    keys.sort(compare);
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && compare(keys[j]!, k) > 0) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}
