// The watch cache's data: the current state of every key under one resource prefix, the keys in
// sorted order for paged lists, and a sliding window of recent events for watches that resume at
// a revision. No I/O and no async: ./cacher.ts feeds it from the one backend watch.
//
// Each object is kept once, as its JSON (resourceVersion in) in UTF-8 bytes off the V8 heap:
// what every list and watch writes to the socket as is. A parsed object is what a filter, a
// Table or a conversion needs; it is parsed when asked for and not kept, except an event's
// while it is dispatched to the watchers (parsed once for all of them, then released). A parsed
// pod costs ~3x its JSON in V8 objects: at 30,000 pods, keeping both cost the apiserver ~300 MB
// more than the JSON alone. As a string the JSON sat in V8's old space, and every write
// replacing a pod's string left old-space pages part-empty that V8 kept committed (and the heap
// growth multiplied): as bytes it is malloc'd memory, freed when its Buffer is collected.

import type { KubeObject } from '../../api/types.ts';
import { CacheIndexes, type IndexFunc, type Pin } from './cache-index.ts';
import { decodeObject, type Predicate } from './objects.ts';
import type { KeyValue, StoreEvent } from './types.ts';

/** A cached JSON: UTF-8 bytes, shared by every list and watch; never to be written to. */
export type CachedJson = Buffer;

/**
 * The bytes of a JSON string in an allocation of their own: Buffer.from(string) under 4 KB
 * slices Node's shared 8 KB pool, and a slab stays alive while any slice of it does.
 */
export function jsonBytes(json: string): CachedJson {
  const buf = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
  buf.write(json);
  return buf;
}

/** Parses a cached JSON: frozen, as every object the cache hands out. */
export function parseFrozen(raw: CachedJson): KubeObject {
  return deepFreeze(JSON.parse(raw.toString()) as KubeObject);
}

export class CacheEntry {
  constructor(
    readonly key: string,
    /** JSON of the object, resourceVersion included. */
    readonly raw: CachedJson,
    /** The object's resourceVersion (its last write's revision). */
    readonly revision: number,
    /** Its values of the cache's indexed fields (./cache-index.ts), in the indexers' order. */
    readonly indexed?: readonly string[],
  ) {}

  /** Parsed from raw at each call (frozen; never to be mutated): the entry keeps only the JSON. */
  get object(): KubeObject {
    return parseFrozen(this.raw);
  }
}

export class CacheEvent {
  #object: KubeObject | undefined;
  #prevObject: KubeObject | undefined;
  #released = false;

  constructor(
    public type: 'ADDED' | 'MODIFIED' | 'DELETED',
    readonly key: string,
    /** JSON of the object, resourceVersion included. */
    readonly raw: CachedJson,
    readonly revision: number,
    /** JSON of the state before this event (MODIFIED, DELETED), for filters that must see transitions. */
    readonly prevRaw: CachedJson | undefined,
    object?: KubeObject,
    /** Indexed values after and before the change (see CacheEntry.indexed). */
    readonly indexed?: readonly string[],
    readonly prevIndexed?: readonly string[],
  ) {
    this.#object = object;
  }

  /** Frozen; parsed once while the event is dispatched, then at each call. */
  get object(): KubeObject {
    if (this.#object) return this.#object;
    const o = parseFrozen(this.raw);
    if (!this.#released) this.#object = o;
    return o;
  }

  get prevObject(): KubeObject | undefined {
    if (this.prevRaw === undefined) return undefined;
    if (this.#prevObject) return this.#prevObject;
    const o = parseFrozen(this.prevRaw);
    if (!this.#released) this.#prevObject = o;
    return o;
  }

  /** The parsed object while the event is dispatched (no parse); undefined after. */
  get parsed(): KubeObject | undefined {
    return this.#object;
  }

  /** Dispatched: from now on the window keeps the event as JSON only. */
  release(): void {
    this.#released = true;
    this.#object = undefined;
    this.#prevObject = undefined;
  }
}

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') freezeTree(v);
  return v;
}

/** Freezes an object and what it holds; frozen parts are taken as frozen throughout. */
function freezeTree(v: object): void {
  if (Object.isFrozen(v)) return;
  Object.freeze(v);
  // Indexes and for-in rather than Object.keys: no array per object (every cached object
  // is frozen once, on every write).
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x !== null && typeof x === 'object') freezeTree(x);
    }
    return;
  }
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && typeof x === 'object') freezeTree(x);
  }
}

/** First index i in sorted with sorted[i] >= key. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class WatchCache {
  private readonly entries = new Map<string, CacheEntry>();
  private sorted: string[] = [];
  private readonly ring: (CacheEvent | undefined)[];
  private head = 0;
  private count = 0;
  /** Every change up to here is applied. */
  revision = 0;
  /** Watches may resume at any revision >= this one (events after it are all in the window). */
  oldest = 0;

  private readonly indexes: CacheIndexes | undefined;

  constructor(readonly capacity: number, indexers: Readonly<Record<string, IndexFunc>> = {}) {
    this.ring = new Array<CacheEvent | undefined>(Math.max(1, capacity));
    const indexes = new CacheIndexes(indexers);
    this.indexes = indexes.empty ? undefined : indexes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Replaces everything with a list read at revision. */
  reset(items: KeyValue[], revision: number): void {
    this.entries.clear();
    this.indexes?.clear();
    for (const kv of items) {
      const object = decodeObject(kv.value, kv.modRevision);
      const indexed = this.indexes?.valuesOf(object);
      if (indexed) this.indexes!.add(kv.key, indexed);
      this.entries.set(kv.key, new CacheEntry(kv.key, jsonBytes(JSON.stringify(object)), kv.modRevision, indexed));
    }
    this.sorted = [...this.entries.keys()].sort();
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.revision = revision;
    this.oldest = revision;
  }

  /**
   * Applies one backend event (in revision order) and returns what watchers get. `decoded`:
   * the event's object, when the caller has it without parsing the value (it is frozen here);
   * `raw`: JSON.stringify of it, when the writer made it already.
   */
  apply(ev: StoreEvent, decoded?: KubeObject, raw?: string): CacheEvent {
    const prev = this.entries.get(ev.key);
    const object = deepFreeze(decoded ?? decodeObject(ev.value, ev.revision));
    const indexed = this.indexes?.valuesOf(object);
    // The key string the cache holds already (its map and sorted keys), not one more per write.
    const key = prev?.key ?? ev.key;
    const entry = new CacheEntry(key, jsonBytes(raw ?? JSON.stringify(object)), ev.revision, indexed);
    const out = new CacheEvent(ev.type, key, entry.raw, ev.revision, prev?.raw, object, indexed, prev?.indexed);
    if (prev?.indexed) this.indexes!.remove(key, prev.indexed);
    if (indexed && ev.type !== 'DELETED') this.indexes!.add(key, indexed);
    if (ev.type === 'DELETED') {
      if (prev) {
        this.entries.delete(ev.key);
        const i = lowerBound(this.sorted, ev.key);
        if (this.sorted[i] === ev.key) this.sorted.splice(i, 1);
      }
    } else {
      if (!prev) {
        const i = lowerBound(this.sorted, ev.key);
        if (this.sorted[i] !== ev.key) this.sorted.splice(i, 0, ev.key);
      }
      this.entries.set(ev.key, entry);
      // An ADDED over a key we hold means we missed its delete; watchers see it as a change.
      if (prev && ev.type === 'ADDED') out.type = 'MODIFIED';
    }
    if (ev.type === 'MODIFIED' && !prev) out.type = 'ADDED';
    this.push(out);
    if (ev.revision > this.revision) this.revision = ev.revision;
    return out;
  }

  /** The store said: nothing under the prefix changed up to revision. */
  progress(revision: number): void {
    if (revision > this.revision) this.revision = revision;
  }

  private push(ev: CacheEvent): void {
    const cap = this.ring.length;
    if (this.count === cap) {
      const evicted = this.ring[this.head]!;
      this.oldest = evicted.revision;
      this.ring[this.head] = ev;
      this.head = (this.head + 1) % cap;
    } else {
      this.ring[(this.head + this.count) % cap] = ev;
      this.count++;
    }
  }

  private at(i: number): CacheEvent {
    return this.ring[(this.head + i) % this.ring.length]!;
  }

  /** Window events with revision > rv, or undefined when rv is older than the window. */
  eventsAfter(rv: number): CacheEvent[] | undefined {
    if (rv < this.oldest) return undefined;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= rv) lo = mid + 1;
      else hi = mid;
    }
    const out: CacheEvent[] = [];
    for (let i = lo; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  /** Entries under prefix in key order, starting at startKey (inclusive) when given. */
  *range(prefix: string, startKey?: string): Generator<CacheEntry, void, undefined> {
    const from = startKey !== undefined && startKey > prefix ? startKey : prefix;
    for (let i = lowerBound(this.sorted, from); i < this.sorted.length; i++) {
      const key = this.sorted[i];
      if (!key.startsWith(prefix)) return;
      yield this.entries.get(key)!;
    }
  }

  /** The indexed field a predicate pins (see ./cache-index.ts), if the cache indexes it. */
  pin(predicate: Predicate | undefined): Pin | undefined {
    return this.indexes?.pin(predicate);
  }

  /**
   * Entries under prefix a predicate may accept, in key order: with a pin, only those holding
   * its value (the predicate still decides); else every entry under prefix.
   */
  *candidates(prefix: string, pin: Pin | undefined): Generator<CacheEntry, void, undefined> {
    if (!pin || !this.indexes) {
      yield* this.range(prefix);
      return;
    }
    for (const key of this.indexes.keys(prefix, pin)) yield this.entries.get(key)!;
  }

  /** Number of keys under prefix after (excluding) key. */
  countAfter(prefix: string, key: string): number {
    const start = lowerBound(this.sorted, `${key}\x00`);
    let end = start;
    // Keys under a prefix are contiguous: find the first key past it.
    let lo = start;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid].startsWith(prefix) || this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    end = lo;
    return end - start;
  }
}
