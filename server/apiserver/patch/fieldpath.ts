// Sets of field paths, the content of managedFields[].fieldsV1. A path is a list of path
// elements in their FieldsV1 spelling:
//   f:<name>          a field of an object          .name
//   k:{"name":"x"}    an item of a keyed list       [name="x"]
//   v:"x"             an item of a set              [="x"]
//   i:3               an item of an unkeyed list    [3]
// A node is a member when the path itself is in the set (FieldsV1 writes it `.` when it
// also has children, `{}` when it is a leaf).

import { canonicalJson, isObject } from './json.ts';
import type { JsonObject } from './json.ts';

export type PathElement = string;
export type FieldPath = PathElement[];

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const valueElement = (v: unknown): PathElement => `v:${canonicalJson(v)}`;
export const indexElement = (i: number): PathElement => `i:${i}`;
export function keyElement(item: JsonObject, keys: readonly string[]): PathElement {
  // The keys in sorted order (list map keys are few and usually given sorted), then the JSON
  // of the key values the item has: canonicalJson of the picked object, without building it.
  const sorted = isSorted(keys) ? keys : [...keys].sort();
  let s = 'k:{';
  let first = true;
  for (const k of sorted) {
    const v = item[k];
    if (v === undefined) continue;
    s += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${s}}`;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

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
        set.children.set(k, c);
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
      this.children.set(pe, c);
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
    for (const [pe, c] of this.children) out.children.set(pe, c.clone());
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    out.member ||= other.member;
    for (const [pe, c] of other.children) {
      const mine = out.children.get(pe);
      out.children.set(pe, mine ? mine.union(c) : c.clone());
    }
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

  /** Members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      const d = o ? c.difference(o) : c.clone();
      if (!d.isEmpty()) out.children.set(pe, d);
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
      if (!i.isEmpty()) out.children.set(pe, i);
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
  const entries = [...node.children];
  if (size > 1 && !entriesSorted(entries)) entries.sort((a, b) => comparePathElements(a[0], b[0]));
  let wrote = false;
  for (const [pe, c] of entries) {
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

function entriesSorted(entries: [PathElement, FieldSet][]): boolean {
  for (let i = 1; i < entries.length; i++) if (comparePathElements(entries[i - 1][0], entries[i][0]) > 0) return false;
  return true;
}

/** FieldsV1 order: fields, then set values, then keyed items, then indexes (numerically). */
function rank(c: number): number {
  return c === 102 /* f */ ? 0 : c === 118 /* v */ ? 1 : c === 107 /* k */ ? 2 : c === 105 /* i */ ? 3 : 9;
}

export function comparePathElements(a: PathElement, b: PathElement): number {
  const ca = a.charCodeAt(0);
  const cb = b.charCodeAt(0);
  if (ca !== cb) {
    const d = rank(ca) - rank(cb);
    if (d !== 0) return d;
  } else if (ca === 105 /* i */) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A path as upstream prints it in conflicts: `.spec.containers[name="nginx"].image`. */
export function pathToString(path: FieldPath): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'v':
          return `[=${body}]`;
        case 'i':
          return `[${body}]`;
        case 'k': {
          const keys = JSON.parse(body) as JsonObject;
          return `[${Object.keys(keys)
            .map((k) => `${k}=${JSON.stringify(keys[k])}`)
            .join(',')}]`;
        }
        default:
          return pe;
      }
    })
    .join('');
}
