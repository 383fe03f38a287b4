// One client watch served by the watch cache: a filter, a bounded buffer, and an async iterator
// for the consumer (the HTTP watch stream). The cacher pushes events synchronously; pushing never
// blocks. A consumer that lets more than bufferSize live events pile up is closed (closeReason
// 'too slow'), as upstream does: the client re-watches from the last resourceVersion it saw.

import type { KubeObject } from '../../api/types.ts';
import type { Predicate, WatchEvent } from './objects.ts';
import type { CacheEvent, CachedJson } from './watch-cache.ts';

export interface WatcherSpec {
  /** Only keys under this prefix (e.g. one namespace). */
  prefix: string;
  filter?: Predicate;
  allowBookmarks: boolean;
  bufferSize: number;
  /** Its initial state came from the store at this revision: older cache events are in it already. */
  afterRevision?: number;
}

const deletedViews = new WeakMap<CacheEvent, WatchEvent>();

/**
 * A watch event that sends the cached JSON and parses the object only when a reader asks
 * (a conversion): streamed as JSON, it is never parsed for this watcher.
 */
export function lazyWatchEvent(type: WatchEvent['type'], from: { raw: CachedJson; readonly object: KubeObject; readonly parsed?: KubeObject }): WatchEvent {
  // A live event's object is parsed already, once for every watcher: hand it out, so that an
  // in-process consumer (the node authorizer's graph) does not parse it again.
  const parsed = from.parsed;
  if (parsed) return { type, object: parsed, raw: from.raw };
  return {
    type,
    raw: from.raw,
    get object() {
      return from.object;
    },
  };
}

/** An object that stopped matching: its previous state, at the revision of the change. */
function deletedView(ev: CacheEvent): WatchEvent {
  let view = deletedViews.get(ev);
  if (!view) {
    const prev = ev.prevObject as KubeObject;
    const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(ev.revision) } };
    view = { type: 'DELETED', object };
    deletedViews.set(ev, view);
  }
  return view;
}

export class CacheWatcher implements AsyncIterable<WatchEvent> {
  private initial: (WatchEvent | undefined)[] = [];
  private initialHead = 0;
  /** Live events; a slot the consumer took is cleared, so the watcher never holds a sent event. */
  private queue: (WatchEvent | undefined)[] = [];
  private queueHead = 0;
  private waiting: ((r: IteratorResult<WatchEvent>) => void) | undefined;
  private closed = false;
  /** Why the watch ended: 'stopped' (by the consumer), 'too slow', 'cache reset', 'shutdown'. */
  closeReason: string | undefined;
  /** Set when an event is sent; the bookmark timer clears it (idle = nothing since the last tick). */
  busy = false;

  constructor(
    private readonly spec: WatcherSpec,
    private readonly onClose: (w: CacheWatcher) => void,
  ) {}

  get allowBookmarks(): boolean {
    return this.spec.allowBookmarks;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Live events waiting for the consumer. */
  get pending(): number {
    return this.queue.length - this.queueHead;
  }

  /** What this watcher sends for a cache event, after its prefix and filter (undefined: nothing). */
  convert(ev: CacheEvent): WatchEvent | undefined {
    if (!ev.key.startsWith(this.spec.prefix)) return undefined;
    const f = this.spec.filter;
    if (!f) return lazyWatchEvent(ev.type, ev);
    if (ev.type === 'DELETED') return f(ev.object) ? lazyWatchEvent('DELETED', ev) : undefined;
    const now = f(ev.object);
    const before = ev.prevRaw !== undefined && f(ev.prevObject!);
    if (now) return lazyWatchEvent(before ? 'MODIFIED' : 'ADDED', ev);
    return before ? deletedView(ev) : undefined;
  }

  /** Events sent before any live one (initial state, replay); not counted against the buffer. */
  pushInitial(ev: WatchEvent): void {
    if (!this.closed) this.initial.push(ev);
  }

  /** The revision before which this watcher takes nothing (0: everything). */
  get afterRevision(): number {
    return this.spec.afterRevision ?? 0;
  }

  /** A live event from the cache. */
  dispatch(ev: CacheEvent): void {
    if (this.closed || ev.revision <= this.afterRevision) return;
    const out = this.convert(ev);
    if (out) this.send(out);
  }

  send(ev: WatchEvent): void {
    if (this.closed) return;
    this.busy = true;
    const w = this.waiting;
    if (w && this.initialHead === this.initial.length) {
      this.waiting = undefined;
      w({ value: ev, done: false });
      return;
    }
    if (this.pending >= this.spec.bufferSize) {
      this.close('too slow');
      return;
    }
    this.queue.push(ev);
  }

  /** Next event; done when the watch is closed. */
  next(): Promise<IteratorResult<WatchEvent>> {
    if (this.initialHead < this.initial.length) {
      const value = this.initial[this.initialHead] as WatchEvent;
      this.initial[this.initialHead++] = undefined;
      if (this.initialHead === this.initial.length) {
        this.initial = [];
        this.initialHead = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.queueHead < this.queue.length) {
      const value = this.queue[this.queueHead] as WatchEvent;
      this.queue[this.queueHead++] = undefined;
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.close('stopped');
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this;
  }

  /** Ends the watch; anything still buffered is dropped. */
  close(reason = 'stopped'): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.initial = [];
    this.queue = [];
    this.queueHead = 0;
    this.initialHead = 0;
    const w = this.waiting;
    this.waiting = undefined;
    if (w) w({ value: undefined, done: true });
    this.onClose(this);
  }

  /** Same as close(): the consumer is done. */
  stop(): void {
    this.close('stopped');
  }
}
