// The informer's local cache: objects keyed namespace/name (name alone when cluster-scoped),
// a namespace index, and named indexes (object -> values). Objects are stored as received and
// shared with every reader: they are not frozen (a deep freeze of every object would cost more
// than the rest of the informer), so the rule is documented instead: never mutate, copy first.

import type { KubeObject } from '../api/types.ts';
import { parseLabelSelector } from '../api/meta/labels.ts';
import type { Lister } from './types.ts';

export type IndexFn<T> = (obj: T) => string[];

export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

interface Index<T> {
  fn: IndexFn<T>;
  byValue: Map<string, Set<string>>;
}

const NAMESPACE_INDEX = 'namespace';

export class IndexedCache<T extends KubeObject> {
  private items = new Map<string, T>();
  private indexes = new Map<string, Index<T>>();

  constructor() {
    this.indexes.set(NAMESPACE_INDEX, { fn: (o) => [o.metadata?.namespace ?? ''], byValue: new Map() });
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }

  /** Adds an index and files every cached object under it. */
  addIndex(name: string, fn: IndexFn<T>): void {
    if (this.indexes.has(name)) throw new Error(`index ${JSON.stringify(name)} already exists`);
    const idx: Index<T> = { fn, byValue: new Map() };
    this.indexes.set(name, idx);
    for (const [key, obj] of this.items) file(idx, key, obj);
  }

  /** Stores the object; returns the one it replaced. */
  upsert(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const idx of this.indexes.values()) {
      const values = idx.fn(obj);
      if (old) {
        // Most updates leave an object's index values alone (a pod's namespace, node, owner).
        const before = idx.fn(old);
        if (sameValues(before, values)) continue;
        unfileValues(idx, key, before);
      }
      fileValues(idx, key, values);
    }
    return old;
  }

  /** Removes by key; returns what was there. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    for (const idx of this.indexes.values()) unfile(idx, key, old);
    return old;
  }

  byIndex(name: string, value: string): T[] {
    const idx = this.indexes.get(name);
    if (!idx) throw new Error(`no index ${JSON.stringify(name)}`);
    const keys = idx.byValue.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) out.push(this.items.get(k)!);
    return out;
  }

  lister(): Lister<T> {
    return {
      get: (namespace, name) => this.items.get(namespace ? `${namespace}/${name}` : name),
      list: (namespace, labelSelector) => {
        const all = namespace ? this.byIndex(NAMESPACE_INDEX, namespace) : [...this.items.values()];
        if (!labelSelector) return all;
        const sel = parseLabelSelector(labelSelector);
        return sel.empty ? all : all.filter((o) => sel.matches(o.metadata?.labels));
      },
      byIndex: (index, value) => this.byIndex(index, value),
    };
  }
}

function sameValues(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fileValues<T>(idx: Index<T>, key: string, values: string[]): void {
  for (const v of values) {
    let set = idx.byValue.get(v);
    if (!set) idx.byValue.set(v, (set = new Set()));
    set.add(key);
  }
}

function unfileValues<T>(idx: Index<T>, key: string, values: string[]): void {
  for (const v of values) {
    const set = idx.byValue.get(v);
    if (!set) continue;
    set.delete(key);
    if (set.size === 0) idx.byValue.delete(v);
  }
}

const file = <T>(idx: Index<T>, key: string, obj: T) => fileValues(idx, key, idx.fn(obj));
const unfile = <T>(idx: Index<T>, key: string, obj: T) => unfileValues(idx, key, idx.fn(obj));
