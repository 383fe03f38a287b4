// The watch cache for one resource (upstream's Cacher): one backend watch per resource prefix,
// started on first use and kept, feeds an in-memory WatchCache; every client watch and most lists
// and gets are answered from it. N client watches never mean N backend watches.
//
// resourceVersion semantics (as upstream's API concepts describe them):
//   watch  ''  : consistent current state as ADDED, then changes     '0': current state, then changes
//          N   : every change after N (410 if older than the window; 504 if newer than the store)
//          sendInitialEvents: state as ADDED, then a BOOKMARK annotated k8s.io/initial-events-end
//   list   ''  : consistent (waits until the cache has seen the store's current revision, else the store answers)
//          '0' : what the cache holds, once it shows this process's own writes
//          N (NotOlderThan): waits for N, else the store answers
//          Exact N, legacy N with limit, and continue tokens: the ObjectStore answers
//   get    ''  : the store                    '0' / N: the cache (after waiting for N, else the store)
// Errors (410, 504, 503) are thrown by watch()/list()/get(); the HTTP layer turns a watch's 410
// into an ERROR event as upstream does. Objects handed out are shared and frozen: copy to change.
// Consistent reads need the cache to learn the store's revision even when only other resources
// changed: a backend with requestProgress() (SQLite's hub) answers at once; without it (etcd,
// whose progress notifications may run ahead of its events) the cache is fresh only when its
// own events reached the store's revision, and the store answers otherwise.
// A kind's indexed fields (pods by spec.nodeName, ./cache-index.ts) narrow a list or watch whose
// field selector pins them to the objects holding that value, and its live events to the watchers
// pinned to the event's value: a kubelet's list parses its own pods, not every pod.
// Over 300 lines: this is the cache engine (lifecycle, freshness waits, fan-out, bookmarks); its
// data (./watch-cache.ts) and per-watcher parts (./cache-watcher.ts) are already split out.

import type { KubeObject } from '../../api/types.ts';
import { notFound, serviceUnavailable, tooOldResourceVersion, type GroupResource } from '../../api/meta/errors.ts';
import { CacheWatcher, lazyWatchEvent } from './cache-watcher.ts';
import { encodeContinue, keyAfter } from './continue-token.ts';
import {
  ObjectStore,
  parseResourceVersion,
  prefixFor,
  storedObject,
  type ListOptions,
  type ListResult,
  type Predicate,
  type WatchEvent,
} from './object-store.ts';
import { nameOfKey, tooLargeResourceVersion, toStatusError } from './status-errors.ts';
import type { Backend, KeyValue, StorageError, StoreEvent, Watch } from './types.ts';
import { Watchers, type IndexFunc } from './cache-index.ts';
import { parseFrozen, WatchCache, type CacheEntry } from './watch-cache.ts';

export { CacheWatcher } from './cache-watcher.ts';

/** Optional backend ability (etcd's RequestProgress): ask every watch for a progress notification now. */
export interface ProgressRequester {
  requestProgress(): void;
}

function canRequestProgress(b: Backend): b is Backend & ProgressRequester {
  return typeof (b as Partial<ProgressRequester>).requestProgress === 'function';
}

export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

export interface CacherOptions {
  resource: GroupResource;
  backend: Backend;
  /** kind and apiVersion of the objects, for BOOKMARK events. */
  kind: string;
  apiVersion: string;
  store?: ObjectStore;
  /** Defaults to prefixFor(resource). */
  prefix?: string;
  /** Events kept for watches that resume at a revision. */
  windowCapacity?: number;
  /** Live events a watcher may have waiting before it is closed as too slow. */
  watcherBufferSize?: number;
  bookmarkIntervalMs?: number;
  /** How long a request for a revision newer than the cache waits before 504. */
  freshTimeoutMs?: number;
  /** Without requestProgress, how long a consistent read waits for the cache before asking the store. */
  consistentWaitMs?: number;
  /** Fields the cache indexes (upstream's pods by spec.nodeName): see ./cache-index.ts. */
  indexers?: Readonly<Record<string, IndexFunc>>;
}

export interface CacheWatchOptions {
  resourceVersion?: string;
  /** Key prefix to narrow to, e.g. prefixFor(resource, namespace). */
  prefix?: string;
  predicate?: Predicate;
  allowBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

export interface CacheListOptions extends ListOptions {
  prefix?: string;
}

interface Waiter {
  revision: number;
  resolve(ok: boolean): void;
  timer: NodeJS.Timeout;
}

export class Cacher {
  readonly store: ObjectStore;
  readonly prefix: string;
  private readonly cache: WatchCache;
  private readonly watchers = new Watchers<CacheWatcher>();
  private waiters: Waiter[] = [];
  private backendWatch: Watch | undefined;
  private starting: Promise<void> | undefined;
  private ready = false;
  /** The revision of the last event the cache applied (or of its list): what events prove it has seen. */
  private eventRevision = 0;
  private closed = false;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private readonly o: Required<Omit<CacherOptions, 'store' | 'prefix' | 'indexers'>>;

  constructor(opts: CacherOptions) {
    this.o = {
      windowCapacity: 4096,
      watcherBufferSize: 1000,
      bookmarkIntervalMs: 1000,
      freshTimeoutMs: 3000,
      consistentWaitMs: 20,
      ...opts,
    };
    this.store = opts.store ?? new ObjectStore(opts.resource, opts.backend);
    this.prefix = opts.prefix ?? prefixFor(opts.resource);
    this.cache = new WatchCache(this.o.windowCapacity, opts.indexers);
  }

  /** The highest revision the cache has seen (events or progress). */
  get revision(): number {
    return this.cache.revision;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Objects in the cache (API Priority and Fairness weighs a list by it). */
  get objectCount(): number {
    return this.cache.size;
  }

  /** Lists the prefix and starts the backend watch; later calls wait for the same start. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(serviceUnavailable(`the watch cache for ${this.prefix} is closed`));
    if (this.ready) return Promise.resolve();
    this.starting ??= this.init().catch((e: unknown) => {
      this.starting = undefined;
      throw toStatusError(e, this.o.resource, this.prefix, this.o.backend);
    });
    return this.starting;
  }

  private async init(): Promise<void> {
    const items: KeyValue[] = [];
    let revision = 0;
    let startKey: string | undefined;
    for (;;) {
      const page = await this.o.backend.list(this.prefix, { limit: 10_000, revision: revision || undefined, startKey });
      revision = page.revision;
      items.push(...page.items);
      if (!page.more || page.items.length === 0) break;
      startKey = keyAfter(page.items[page.items.length - 1].key);
    }
    if (this.closed) return;
    this.cache.reset(items, revision);
    this.eventRevision = revision;
    this.backendWatch = this.o.backend.watch(
      { prefix: this.prefix, afterRevision: revision },
      {
        onEvents: (events) => this.onEvents(events),
        onProgress: (rev) => {
          this.cache.progress(rev);
          this.wake();
        },
        onError: (err) => this.onWatchError(err),
      },
    );
    this.ready = true;
    this.starting = undefined;
    if (!this.bookmarkTimer) {
      this.bookmarkTimer = setInterval(() => this.sendBookmarks(), this.o.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
    this.wake();
  }

  private onEvents(events: StoreEvent[]): void {
    for (const ev of events) {
      // A write of this process still in flight for the key, with this very value: the
      // object it encoded gives the event's object without parsing the value.
      const w = ev.type === 'DELETED' ? undefined : this.store.inFlight.get(ev.key);
      const mine = w && w.value === ev.value ? w : undefined;
      const ce = this.cache.apply(ev, mine && storedObject(mine.object, ev.revision), mine?.rawAt?.(ev.revision));
      this.watchers.dispatch(ce);
      ce.release();
      this.eventRevision = ev.revision;
    }
    this.wake();
  }

  /** The backend watch ended (e.g. compacted after a long disconnect): drop everything and relist. */
  private onWatchError(_err: StorageError): void {
    this.backendWatch = undefined;
    this.ready = false;
    for (const w of [...this.watchers]) w.close('cache reset');
    if (this.closed) return;
    const retry = (delay: number): void => {
      setTimeout(() => {
        if (this.closed || this.ready) return;
        this.start().catch(() => retry(Math.min(delay * 2, 5000)));
      }, delay).unref();
    };
    retry(10);
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const rev = this.cache.revision;
    this.waiters = this.waiters.filter((w) => {
      if (rev < w.revision) return true;
      clearTimeout(w.timer);
      w.resolve(true);
      return false;
    });
  }

  /** Resolves true once the cache has seen revision, false after timeoutMs. */
  private waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.ready && this.cache.revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        revision,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Waits until the cache has seen the store's current revision; false if it could not in time. */
  private async waitConsistent(): Promise<boolean> {
    const current = await this.o.backend.currentRevision().catch((e: unknown) => {
      throw toStatusError(e, this.o.resource, this.prefix, this.o.backend);
    });
    const backend = this.o.backend;
    if (canRequestProgress(backend)) {
      if (this.cache.revision >= current) return true;
      backend.requestProgress();
      return this.waitFor(current, this.o.freshTimeoutMs);
    }
    // Without a progress request we can trust, only events prove the cache fresh: etcd before
    // 3.4.31 / 3.5.13 may report progress past events it has not sent yet (issue 15220 and its
    // kin), which here served a list without an object created a moment before.
    if (this.eventRevision >= current) return true;
    await this.waitFor(current, this.o.consistentWaitMs);
    return this.eventRevision >= current;
  }

  /**
   * rv=0 ("any state") still shows this process's own writes: a client that wrote and then
   * lists at 0 (client-go's informers, kubectl wait) finds what it wrote, as it does upstream
   * whenever the cache keeps up. Best effort, bounded; the cache's state otherwise.
   */
  private async waitOwnWrites(): Promise<void> {
    if (this.eventRevision < this.store.lastWrite) await this.waitFor(this.store.lastWrite, this.o.freshTimeoutMs);
  }

  /** 504 "Too large resource version" for a revision the store has not reached either. */
  private async mustExist(revision: number): Promise<void> {
    const current = await this.o.backend.currentRevision().catch((e: unknown) => {
      throw toStatusError(e, this.o.resource, this.prefix, this.o.backend);
    });
    if (revision > current) throw tooLargeResourceVersion(revision, current);
  }

  private bookmarkEvent(revision: number, initialEventsEnd = false): WatchEvent {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(revision) };
    if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
    const object: KubeObject = { kind: this.o.kind, apiVersion: this.o.apiVersion, metadata };
    return { type: 'BOOKMARK', object, raw: JSON.stringify(object) };
  }

  /** Idle watchers that asked for bookmarks learn the current revision. */
  private sendBookmarks(): void {
    if (!this.ready || this.watchers.size === 0) return;
    let ev: WatchEvent | undefined;
    for (const w of this.watchers) {
      if (w.allowBookmarks && !w.busy && this.cache.revision >= w.afterRevision) w.send((ev ??= this.bookmarkEvent(this.cache.revision)));
      w.busy = false;
    }
  }

  async watch(opts: CacheWatchOptions = {}): Promise<CacheWatcher> {
    const rv = parseResourceVersion(opts.resourceVersion);
    await this.start();
    const consistent = !opts.resourceVersion;
    const initial = opts.sendInitialEvents ?? rv === 0;
    const prefix = opts.prefix ?? this.prefix;
    // A consistent initial state the cache cannot vouch for in time (etcd before 3.4.25 has no
    // safe progress request, and other resources move the store's revision on) comes from a
    // consistent read of the store instead; only the cache's changes after it follow. Serving
    // the cache's state anyway let `kubectl wait` (a watch-list) miss an object just created.
    let fromStore: ListResult | undefined;
    // A watch from a revision the store has but the cache has not reached in time (a list read
    // from the store handed it out; etcd moves the cache only by its events and periodic
    // progress) starts there: the cache's events up to it are in the client's state already.
    let ahead: number | undefined;
    if (rv > 0) {
      if (!(await this.waitFor(rv, this.o.freshTimeoutMs))) {
        await this.mustExist(rv);
        if (initial) fromStore = await this.store.list(prefix, {});
        else ahead = rv;
      }
    } else if (consistent && initial && !(await this.waitConsistent())) fromStore = await this.store.list(prefix, {});
    else if (!consistent) await this.waitOwnWrites();
    if (!this.ready) throw serviceUnavailable(`the watch cache for ${this.prefix} is restarting`);
    // From here to the end no await: the watcher sees the state, then every later event exactly once.
    const storeRevision = fromStore ? Number(fromStore.resourceVersion) : undefined;
    const pin = this.cache.pin(opts.predicate);
    const w = new CacheWatcher(
      {
        prefix,
        filter: opts.predicate,
        allowBookmarks: opts.allowBookmarks ?? false,
        bufferSize: this.o.watcherBufferSize,
        afterRevision: storeRevision ?? ahead,
      },
      (closed) => this.watchers.delete(closed),
    );
    if (fromStore && storeRevision !== undefined) {
      fromStore.items.forEach((object, i) => {
        if (!opts.predicate || opts.predicate(object)) w.pushInitial({ type: 'ADDED', object, raw: fromStore.raw?.[i] ?? JSON.stringify(object) });
      });
      if (opts.sendInitialEvents) w.pushInitial(this.bookmarkEvent(storeRevision, true));
      // What the cache received past the store's read since: after the state, in order.
      if (this.cache.revision > storeRevision) {
        const events = this.cache.eventsAfter(storeRevision);
        if (!events) throw tooOldResourceVersion(storeRevision, this.cache.oldest);
        for (const ev of events) {
          const out = w.convert(ev);
          if (out) w.pushInitial(out);
        }
      }
    } else if (initial) {
      const predicate = opts.predicate;
      for (const e of this.cache.candidates(prefix, pin)) {
        if (!predicate) {
          w.pushInitial(lazyWatchEvent('ADDED', e));
          continue;
        }
        const object = e.object;
        if (predicate(object)) w.pushInitial({ type: 'ADDED', object, raw: e.raw });
      }
      if (opts.sendInitialEvents) w.pushInitial(this.bookmarkEvent(this.cache.revision, true));
    } else if (rv > 0 && ahead === undefined) {
      const events = this.cache.eventsAfter(rv);
      if (!events) throw tooOldResourceVersion(rv, this.cache.oldest);
      for (const ev of events) {
        const out = w.convert(ev);
        if (out) w.pushInitial(out);
      }
    }
    this.watchers.add(w, pin);
    return w;
  }

  /**
   * A read at rv N (NotOlderThan) the cache cannot reach in time reads the store, whose latest
   * state is at least N if N was ever handed out (the store answers 504 "Too large resource
   * version" otherwise). Upstream answers 504 there and client-go retries; but an etcd too old
   * to be asked for progress moves the cache only on its own events and the periodic progress
   * notification, so while other resources are written the cache may stay behind N for good.
   */
  async list(opts: CacheListOptions = {}): Promise<ListResult> {
    const prefix = opts.prefix ?? this.prefix;
    const rv = parseResourceVersion(opts.resourceVersion);
    const legacyExact = rv > 0 && !opts.resourceVersionMatch && (opts.limit ?? 0) > 0;
    if (opts.continue || opts.resourceVersionMatch === 'Exact' || legacyExact) return this.store.list(prefix, opts);
    await this.start();
    if (!opts.resourceVersion) {
      if (!(await this.waitConsistent())) return this.store.list(prefix, opts);
    } else if (rv > 0) {
      if (!(await this.waitFor(rv, this.o.freshTimeoutMs))) return this.store.list(prefix, opts);
    } else await this.waitOwnWrites();
    return this.listFromCache(prefix, opts.limit ?? 0, opts.predicate);
  }

  /**
   * A page of the cache. Its items are the cached JSON (bytes); the parsed objects (a Table, a
   * conversion) are parsed on first use of `items`, so a JSON list parses nothing. With a
   * predicate, the objects it was given are the items.
   */
  private listFromCache(prefix: string, limit: number, predicate: Predicate | undefined): ListResult {
    const revision = this.cache.revision;
    const parsed: KubeObject[] = [];
    const raw: Buffer[] = [];
    const result = { raw, resourceVersion: String(revision) } as ListResult;
    let lastKey = '';
    for (const e of this.cache.candidates(prefix, this.cache.pin(predicate))) {
      if (limit > 0 && raw.length >= limit) {
        // More keys follow the page: the continuation reads the store at this same revision.
        result.continue = encodeContinue(keyAfter(lastKey), prefix, revision);
        if (!predicate) result.remainingItemCount = this.cache.countAfter(prefix, lastKey);
        break;
      }
      if (predicate) {
        const object = e.object;
        if (!predicate(object)) continue;
        parsed.push(object);
      }
      raw.push(e.raw);
      lastKey = e.key;
    }
    let items: KubeObject[] | undefined = predicate ? parsed : undefined;
    Object.defineProperty(result, 'items', {
      enumerable: true,
      configurable: true,
      get: () => (items ??= raw.map(parseFrozen)),
      set: (v: KubeObject[]) => (items = v),
    });
    return result;
  }

  /** What the cache holds for key now (no start, no wait); undefined when it holds nothing. */
  peek(key: string): CacheEntry | undefined {
    return this.ready ? this.cache.get(key) : undefined;
  }

  async get(key: string, opts: { resourceVersion?: string } = {}): Promise<KubeObject> {
    const rv = parseResourceVersion(opts.resourceVersion);
    if (!opts.resourceVersion) return this.store.get(key);
    await this.start();
    if (rv > 0) {
      if (!(await this.waitFor(rv, this.o.freshTimeoutMs))) return this.store.get(key);
    } else await this.waitOwnWrites();
    const e = this.cache.get(key);
    if (!e) throw notFound(this.o.resource, nameOfKey(key));
    return e.object;
  }

  /** Stops the backend watch, the bookmark timer and every client watch. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    this.backendWatch?.close();
    this.backendWatch = undefined;
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    for (const w of [...this.watchers]) w.close('shutdown');
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
  }
}
