// One Backend.watch = one etcd gRPC watch stream, which we drive ourselves rather than with
// etcd3's Watcher: that one resumes from the response header's revision + 1, but etcd sends
// catch-up events in batches whose header is the store's current revision, so a disconnect
// mid catch-up would skip events. We resume from the last revision we delivered + 1.
//
// Progress: we ask etcd for progress_notify. Those periodic notifications are sent only to
// watchers that are in sync, through the same channel as events, so "everything up to
// header.revision was delivered" holds. We never send progress_request: before etcd 3.4.25 /
// 3.5.8 its answer could carry a revision ahead of events not yet sent (etcd issue 15220),
// and a revision read with a separate Range gives no such guarantee either.

import type { Etcd3, IEvent, IWatchRequest, IWatchResponse, IDuplexStream } from 'etcd3';
import {
  StorageError,
  type StoreEvent,
  type Watch,
  type WatchHandlers,
  type WatchOptions,
} from '../types.ts';
import type { Keys } from './client.ts';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

type Stream = IDuplexStream<IWatchRequest, IWatchResponse>;

export interface WatchContext {
  /** The client to (re)open the stream with, and where to report that it failed. */
  pick(): Etcd3;
  failed(client: Etcd3): void;
  keys: Keys;
  /** Called when etcd tells us it compacted past the watch: lets the backend learn the revision. */
  sawCompaction(revision: number): void;
}

export function openWatch(ctx: WatchContext, opts: WatchOptions, handlers: WatchHandlers): Watch {
  const w = new EtcdWatch(ctx, opts, handlers);
  w.open();
  return w;
}

class EtcdWatch implements Watch {
  /** Every event with revision <= lastRevision has been delivered. */
  private lastRevision: number;
  private closed = false;
  private stream: Stream | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;

  constructor(
    private readonly ctx: WatchContext,
    private readonly opts: WatchOptions,
    private readonly handlers: WatchHandlers,
  ) {
    this.lastRevision = opts.afterRevision;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stream?.cancel();
    this.stream = undefined;
  }

  open(): void {
    if (this.closed) return;
    const client = this.ctx.pick();
    client.watchClient.watch().then(
      (stream) => this.attach(client, stream),
      () => {
        this.ctx.failed(client);
        this.retryLater();
      },
    );
  }

  private attach(client: Etcd3, stream: Stream): void {
    if (this.closed) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    let ended = false;
    const lost = () => {
      if (ended) return;
      ended = true;
      if (this.stream === stream) this.stream = undefined;
      stream.cancel();
      if (this.closed) return;
      this.ctx.failed(client);
      this.retryLater();
    };
    stream.on('data', (res: IWatchResponse) => {
      if (!ended) this.onResponse(res);
    });
    stream.on('error', lost);
    stream.on('end', lost);
    const { keys } = this.ctx;
    stream.write({
      create_request: {
        key: keys.enc(this.opts.prefix),
        range_end: keys.rangeEnd(this.opts.prefix),
        start_revision: this.lastRevision + 1,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  private retryLater(): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private onResponse(res: IWatchResponse): void {
    if (this.closed) return;
    if (res.canceled) {
      this.onCanceled(res);
      return;
    }
    if (res.created) {
      this.retryMs = RETRY_MIN_MS;
      return;
    }
    if (res.events.length === 0) {
      // A progress notification. It may repeat the last revision (still worth a bookmark), or,
      // for a watch that starts in the future, be behind where we start (older etcd releases
      // sends those): never report going backwards.
      const rev = Number(res.header.revision);
      if (rev >= this.lastRevision) {
        this.lastRevision = rev;
        this.handlers.onProgress?.(rev);
      }
      return;
    }
    const base = this.lastRevision;
    const events: StoreEvent[] = [];
    for (const ev of res.events) {
      const e = this.translate(ev);
      if (e.revision > base) events.push(e);
    }
    if (events.length === 0) return;
    this.lastRevision = events[events.length - 1].revision;
    try {
      this.handlers.onEvents(events);
    } catch (err) {
      // A handler's bug must not look like a broken stream; surface it where it belongs.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  private onCanceled(res: IWatchResponse): void {
    const compacted = Number(res.compact_revision);
    this.close();
    if (compacted > 0) {
      this.ctx.sawCompaction(compacted);
      this.handlers.onError(
        new StorageError(
          'Compacted',
          `watch of ${this.opts.prefix} from revision ${this.lastRevision + 1}: etcd has compacted history up to revision ${compacted}`,
          this.opts.prefix,
          { requested: this.lastRevision + 1, compacted },
        ),
      );
      return;
    }
    this.handlers.onError(
      new StorageError('Internal', `etcd canceled the watch of ${this.opts.prefix}: ${res.cancel_reason || 'no reason given'}`),
    );
  }

  private translate(ev: IEvent): StoreEvent {
    const { keys } = this.ctx;
    const kv = ev.kv;
    const key = keys.dec(kv.key);
    const revision = Number(kv.mod_revision);
    const type: unknown = ev.type;
    if (type === 'Delete' || type === 'DELETE' || type === 1) {
      return { type: 'DELETED', key, value: ev.prev_kv ? ev.prev_kv.value.toString() : '', revision };
    }
    if (kv.version === '1' || kv.create_revision === kv.mod_revision) {
      return { type: 'ADDED', key, value: kv.value.toString(), revision };
    }
    const e: StoreEvent = { type: 'MODIFIED', key, value: kv.value.toString(), revision };
    if (ev.prev_kv) e.prevValue = ev.prev_kv.value.toString();
    return e;
  }
}
