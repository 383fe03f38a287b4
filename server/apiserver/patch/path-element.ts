// Path elements, the keys of FieldsV1 (see fieldpath.ts): how each is spelled, made and
// ordered, and a path as upstream prints it in conflicts.

import { canonicalJson } from './json.ts';
import type { JsonObject } from './json.ts';

export type PathElement = string;
export type FieldPath = PathElement[];

/**
 * Field elements by name, made once: the same few names (a schema's fields, common map keys)
 * come back on every write, and a string met before is a cheap Map and object key. Bounded:
 * past the limit (names that are data, not schema) it starts again.
 */
const fieldElements = new Map<string, PathElement>();
const FIELD_ELEMENTS_MAX = 2048;

export function fieldElement(name: string): PathElement {
  let pe = fieldElements.get(name);
  if (pe === undefined) {
    if (fieldElements.size >= FIELD_ELEMENTS_MAX) fieldElements.clear();
    fieldElements.set(name, (pe = `f:${name}`));
  }
  return pe;
}
export const valueElement = (v: unknown): PathElement => `v:${canonicalJson(v)}`;
export const indexElement = (i: number): PathElement => `i:${i}`;
export function keyElement(item: JsonObject, keys: readonly string[]): PathElement {
  // The keys in sorted order (list map keys are few and usually given sorted), then the JSON
  // of the key values the item has: canonicalJson of the picked object, without building it.
  if (keys.length === 1) {
    const v = item[keys[0]!];
    return v === undefined ? 'k:{}' : `${keyPrefix(keys[0]!)}${canonicalJson(v)}}`;
  }
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

/** `k:{"name":` for a list-map key name, made once per name. */
const keyPrefixes = new Map<string, string>();
function keyPrefix(key: string): string {
  let p = keyPrefixes.get(key);
  if (p === undefined) {
    if (keyPrefixes.size >= FIELD_ELEMENTS_MAX) keyPrefixes.clear();
    keyPrefixes.set(key, (p = `k:{${JSON.stringify(key)}:`));
  }
  return p;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
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
