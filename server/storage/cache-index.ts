// Indexes of the watch cache, as upstream's cacher has for pods by spec.nodeName: for each
// indexed field, the keys that hold each value. A list or watch whose field selector pins the
// field (`spec.nodeName=node-7`, as every kubelet asks) reads only those keys instead of parsing
// every cached object, and a live event goes only to the watchers pinned to its value before or
// after the change (upstream's trigger), not through every kubelet's filter.

import type { KubeObject, ResourceType } from '../../api/types.ts';
import type { Predicate } from './objects.ts';
import type { CacheEvent } from './watch-cache.ts';

/** A field's value as its field selector reads it (the kind's getter: '' when absent). */
export type IndexFunc = (obj: KubeObject) => string;

/** The indexers of a kind's watch cache: its indexedFields, read as its field selectors read them. */
export function cacheIndexers(rt: Pick<ResourceType, 'indexedFields' | 'fieldSelectors'>): Record<string, IndexFunc> {
  const out: Record<string, IndexFunc> = {};
  for (const f of rt.indexedFields ?? []) {
    const get = rt.fieldSelectors?.[f];
    if (get) out[f] = (obj) => get(obj) ?? '';
  }
  return out;
}

/** Which indexed field (by position) a predicate pins, and to what. */
export interface Pin {
  field: number;
  value: string;
}

export class CacheIndexes {
  private readonly fields: string[];
  private readonly getters: IndexFunc[];
  /** Per field: value -> the keys holding it (and the value's one shared string). */
  private readonly byValue: Map<string, { value: string; keys: Set<string> }>[];

  constructor(indexers: Readonly<Record<string, IndexFunc>>) {
    this.fields = Object.keys(indexers);
    this.getters = this.fields.map((f) => indexers[f]);
    this.byValue = this.fields.map(() => new Map());
  }

  get empty(): boolean {
    return this.fields.length === 0;
  }

  /** The object's value of each indexed field, as one string per distinct value (not per object). */
  valuesOf(obj: KubeObject): string[] {
    return this.getters.map((get, i) => {
      const v = get(obj);
      return this.byValue[i].get(v)?.value ?? v;
    });
  }

  add(key: string, values: readonly string[]): void {
    values.forEach((value, i) => {
      let slot = this.byValue[i].get(value);
      if (!slot) this.byValue[i].set(value, (slot = { value, keys: new Set() }));
      slot.keys.add(key);
    });
  }

  remove(key: string, values: readonly string[]): void {
    values.forEach((v, i) => {
      const slot = this.byValue[i].get(v);
      if (!slot) return;
      slot.keys.delete(key);
      if (slot.keys.size === 0) this.byValue[i].delete(v);
    });
  }

  clear(): void {
    for (const m of this.byValue) m.clear();
  }

  /** The first indexed field the predicate pins to one value, if any. */
  pin(predicate: Predicate | undefined): Pin | undefined {
    const eq = predicate?.fieldEquals;
    if (!eq) return undefined;
    for (let i = 0; i < this.fields.length; i++) {
      const value = eq[this.fields[i]];
      if (value !== undefined) return { field: i, value };
    }
    return undefined;
  }

  /** Keys under prefix whose field holds the pinned value, in key order. */
  keys(prefix: string, pin: Pin): string[] {
    const slot = this.byValue[pin.field].get(pin.value);
    if (!slot) return [];
    const out: string[] = [];
    for (const k of slot.keys) if (k.startsWith(prefix)) out.push(k);
    return out.sort();
  }
}

const pinId = (p: Pin): string => `${p.field}\0${p.value}`;

interface Dispatcher {
  dispatch(ev: CacheEvent): void;
}

/**
 * The cacher's watchers: every one (bookmarks, close), and apart those no index narrows and
 * those pinned to an indexed value, which see an event only when it held that value before or
 * after the change (their filter could not accept it otherwise, now or before).
 */
export class Watchers<W extends Dispatcher> implements Iterable<W> {
  private readonly all = new Set<W>();
  private readonly unpinned = new Set<W>();
  private readonly pinned = new Map<string, Set<W>>();
  private readonly pinOf = new Map<W, string>();

  get size(): number {
    return this.all.size;
  }

  [Symbol.iterator](): Iterator<W> {
    return this.all[Symbol.iterator]();
  }

  add(w: W, pin: Pin | undefined): void {
    this.all.add(w);
    if (!pin) {
      this.unpinned.add(w);
      return;
    }
    const id = pinId(pin);
    let ws = this.pinned.get(id);
    if (!ws) this.pinned.set(id, (ws = new Set()));
    ws.add(w);
    this.pinOf.set(w, id);
  }

  delete(w: W): void {
    this.all.delete(w);
    this.unpinned.delete(w);
    const id = this.pinOf.get(w);
    if (id === undefined) return;
    this.pinOf.delete(w);
    const ws = this.pinned.get(id);
    ws?.delete(w);
    if (ws?.size === 0) this.pinned.delete(id);
  }

  dispatch(ev: CacheEvent): void {
    for (const w of this.unpinned) w.dispatch(ev);
    if (this.pinned.size === 0) return;
    const now = ev.indexed ?? [];
    const before = ev.prevIndexed ?? [];
    for (let field = 0; field < Math.max(now.length, before.length); field++) {
      const a = now[field];
      const b = before[field];
      if (a !== undefined) this.pinned.get(pinId({ field, value: a }))?.forEach((w) => w.dispatch(ev));
      if (b !== undefined && b !== a) this.pinned.get(pinId({ field, value: b }))?.forEach((w) => w.dispatch(ev));
    }
  }
}
