// Shared informers: per resource one paged list, then a watch from the list's resourceVersion
// (with bookmarks), re-watched from the last seen resourceVersion whenever a stream ends. A
// 410 Gone means the server no longer has our history: relist, and deliver the difference
// with the cache as add/update/delete so no delete is missed. Handlers run after the cache
// has the change. Objects in the cache are shared, not frozen: see cache.ts.

import { silentLog } from './log.ts';
import type { KubeObject } from '../api/types.ts';
import type { Client, Clock, EventHandler, Informer, InformerFactory, Lister, Log, ResourceRef, WatchEvent, WatchHandle } from './types.ts';
import { IndexedCache, keyOf } from './cache.ts';
import { isGone } from './errors.ts';
import { sleep, systemClock } from './clock.ts';

export interface InformerFactoryOptions {
  /** When set, every handler's update(obj, obj) is called for every cached object this often. */
  resyncMs?: number;
  log?: Log;
  clock?: Clock;
  /** Server-side watch timeout; by default 300..600 s, random per watch, as client-go does. */
  watchTimeoutSeconds?: number;
  /** List page size; default 500. */
  pageSize?: number;
  /**
   * Applied to every object from a list or a watch before the cache or a handler sees it, as
   * client-go's SetTransform: a loop that never reads a field drops it here, so 30,000 cached
   * pods do not each keep it. It receives a fresh object (its own) and may change it in place.
   */
  transform?: (obj: KubeObject) => KubeObject;
}

/** The transform upstream's controller-manager and scheduler set: no cached object keeps its managedFields. */
export function stripManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
  return obj;
}

const droppingManagedFields = new WeakSet<(obj: KubeObject) => KubeObject>([stripManagedFields]);

/**
 * Marks `transform` as one that drops metadata.managedFields (stripManagedFields, compactObjects,
 * the sim's pod view): an informer with it asks its watch to leave them out of the decoded events
 * (WatchOptions.omitManagedFields), so they are not parsed only to be dropped.
 */
export function dropsManagedFields<F extends (obj: KubeObject) => KubeObject>(transform: F): F {
  droppingManagedFields.add(transform);
  return transform;
}

const MAX_BACKOFF_MS = 30_000;

export class SharedInformer<T extends KubeObject> implements Informer<T> {
  readonly cache = new IndexedCache<T>();
  readonly lister: Lister<T> = this.cache.lister();
  private handlers: EventHandler<T>[] = [];
  private synced = false;
  private started = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private watchHandle: WatchHandle | undefined;
  private resyncTimer: { cancel(): void } | undefined;
  private resolveSynced!: () => void;
  private rejectSynced!: (e: Error) => void;
  /** Resolves at the first complete list; rejects if stopped before. */
  readonly syncedPromise: Promise<void>;
  /** The resourceVersion the next watch starts from. */
  lastResourceVersion = '';
  /** How many full lists have been made (1 after sync; more after 410s and failures). */
  lists = 0;
  /** The transform drops managedFields: the watch need not decode them (see dropsManagedFields). */
  private readonly omitManagedFields: boolean;

  constructor(
    private readonly client: Client,
    private readonly r: ResourceRef,
    private readonly opts: InformerFactoryOptions,
    private readonly log: Log,
    private readonly clock: Clock,
  ) {
    this.syncedPromise = new Promise((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    this.syncedPromise.catch(() => {});
    this.omitManagedFields = opts.transform !== undefined && droppingManagedFields.has(opts.transform);
  }

  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    // A late handler first hears about everything already known, as client-go replays it.
    for (const obj of this.cache.values()) this.deliver(h, 'add', obj);
  }

  /** Stops calling a handler (a loop that stopped while the informer serves others). */
  removeEventHandler(h: EventHandler<T>): void {
    const i = this.handlers.indexOf(h);
    if (i >= 0) this.handlers = [...this.handlers.slice(0, i), ...this.handlers.slice(i + 1)];
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.cache.addIndex(name, fn);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.run();
    if (this.opts.resyncMs && this.opts.resyncMs > 0) this.scheduleResync(this.opts.resyncMs);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.watchHandle?.stop();
    this.resyncTimer?.cancel();
    if (!this.synced) this.rejectSynced(new Error(`informer for ${this.r.plural} stopped before it synced`));
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      try {
        await this.listAndWatch();
      } catch (e) {
        if (this.stopped) break;
        backoff = Math.min(Math.max(backoff * 2, 800), MAX_BACKOFF_MS);
        this.log.warn('list failed; retrying', { resource: this.r.plural, err: e, retryInMs: backoff });
        await sleep(this.clock, backoff, this.abort.signal);
      }
    }
  }

  /** One list, then watches until stopped; throws when a list fails. */
  private async listAndWatch(): Promise<void> {
    await this.relist();
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.watchOnce();
        failures = 0;
      } catch (e) {
        if (this.stopped) return;
        if (isGone(e)) {
          this.log.info('watch history gone (410); relisting', { resource: this.r.plural, resourceVersion: this.lastResourceVersion });
          await this.relist();
          continue;
        }
        failures++;
        const wait = Math.min(100 * 2 ** failures, MAX_BACKOFF_MS);
        this.log.warn('watch failed; re-watching', { resource: this.r.plural, err: e, retryInMs: wait });
        await sleep(this.clock, wait, this.abort.signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list<T>(this.r, '', { limit: this.opts.pageSize ?? 500, continue: cont });
      const transform = this.opts.transform;
      if (transform) for (const item of page.items) items.push(transform(item) as T);
      else items.push(...page.items);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont && !this.stopped);
    if (this.stopped) return;
    this.lists++;
    this.replace(items, rv);
  }

  /** The cache becomes exactly `items`; handlers hear the difference. */
  private replace(items: T[], rv: string): void {
    const kind = this.r.kind;
    const apiVersion = this.r.group ? `${this.r.group}/${this.r.version}` : this.r.version;
    const seen = new Set<string>();
    for (const item of items) {
      // List items carry no kind; watch events do. Make cached objects look alike.
      const obj = (item.kind ? item : { apiVersion, kind, ...item }) as T;
      seen.add(keyOf(obj));
      const old = this.cache.upsert(obj);
      if (!old) this.emit('add', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('update', obj, old);
    }
    const gone: string[] = [];
    for (const key of this.cache.keys()) if (!seen.has(key)) gone.push(key);
    for (const key of gone) this.emit('delete', this.cache.remove(key)!);
    this.lastResourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      this.resolveSynced();
    }
  }

  private watchOnce(): Promise<void> {
    const timeoutSeconds = this.opts.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
    this.watchHandle = this.client.watch<T>(
      this.r,
      '',
      { resourceVersion: this.lastResourceVersion, allowWatchBookmarks: true, timeoutSeconds, omitManagedFields: this.omitManagedFields },
      (e) => this.onWatchEvent(e),
    );
    return this.watchHandle.done;
  }

  private onWatchEvent(e: WatchEvent<T>): void {
    if (this.stopped || e.type === 'ERROR') return; // ERROR: done rejects, the loop decides
    const rv = e.object.metadata?.resourceVersion;
    if (e.type !== 'BOOKMARK' && this.opts.transform) e = { ...e, object: this.opts.transform(e.object) as T };
    if (e.type === 'ADDED' || e.type === 'MODIFIED') {
      const old = this.cache.upsert(e.object);
      if (old) this.emit('update', e.object, old);
      else this.emit('add', e.object);
    } else if (e.type === 'DELETED') {
      const old = this.cache.remove(keyOf(e.object));
      if (old) this.emit('delete', e.object);
    }
    if (rv) this.lastResourceVersion = rv;
  }

  private scheduleResync(ms: number): void {
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (this.synced) for (const obj of this.cache.values()) this.emit('update', obj, obj);
      this.scheduleResync(ms);
    }, ms);
  }

  private emit(what: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) this.deliver(h, what, obj, old);
  }

  /** Every event of every informer passes here: no closure per handler and event. */
  private deliver(h: EventHandler<T>, what: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    try {
      if (what === 'add') h.add?.(obj);
      else if (what === 'update') h.update?.(old!, obj);
      else h.delete?.(obj);
    } catch (e) {
      this.log.error('event handler threw', { resource: this.r.plural, event: what, err: e });
    }
  }
}

export interface SharedInformerFactory extends InformerFactory {
  /** The informer with its internals, for tests and metrics. */
  informerFor<T extends KubeObject = KubeObject>(r: ResourceRef): SharedInformer<T>;
  /** Drops a stopped informer: the next informerFor(r) makes a new one. */
  forget(r: ResourceRef): void;
}

export function createInformerFactory(client: Client, opts: InformerFactoryOptions = {}): SharedInformerFactory {
  const log = opts.log ?? silentLog;
  const clock = opts.clock ?? systemClock;
  const informers = new Map<string, SharedInformer<KubeObject>>();
  let started = false;
  let stopped = false;

  const keyOf = (r: ResourceRef) => `${r.group}/${r.version}/${r.plural}`;
  const informerFor = <T extends KubeObject>(r: ResourceRef): SharedInformer<T> => {
    const key = keyOf(r);
    let inf = informers.get(key);
    if (!inf) {
      inf = new SharedInformer<KubeObject>(client, r, opts, log, clock);
      informers.set(key, inf);
      if (stopped) inf.stop();
      else if (started) inf.start();
    }
    return inf as unknown as SharedInformer<T>;
  };

  return {
    informerFor,
    forget: (r) => void informers.delete(keyOf(r)),
    informer: <T extends KubeObject>(r: ResourceRef): Informer<T> => informerFor<T>(r),
    start() {
      if (stopped) return;
      started = true;
      for (const inf of informers.values()) inf.start();
    },
    async waitForSync() {
      await Promise.all([...informers.values()].map((i) => i.syncedPromise));
    },
    stop() {
      stopped = true;
      for (const inf of informers.values()) inf.stop();
    },
  };
}
