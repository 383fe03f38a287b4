// In-process watch. A watcher first catches up from the log table (rows after its revision,
// read in chunks), then switches to live events that the backend publishes after each
// committed batch. Reads and commits are synchronous, so the switch leaves no gap and no
// duplicate: `last` is the highest revision the watcher has seen, and only later events pass.

import { StorageError, type StoreEvent, type Watch, type WatchHandlers, type WatchOptions } from '../types.ts';
import { prefixEnd, type Db } from './schema.ts';

/** Log rows after a revision under a prefix, with the value each update replaced. */
export const SELECT_HISTORY = `SELECT k.id, k.name, k.value, k.created, k.deleted, p.value AS prev_value
  FROM kv AS k LEFT JOIN kv AS p ON p.id = k.prev_revision
  WHERE k.id > ? AND k.id <= ? AND k.name >= ? AND k.name < ?
  ORDER BY k.id LIMIT ?`;

interface HistoryRow {
  id: number;
  name: string;
  value: string;
  created: number;
  deleted: number;
  prev_value: string | null;
}

const CATCH_UP_CHUNK = 1000;

export function rowToEvent(r: HistoryRow): StoreEvent {
  if (r.deleted) return { type: 'DELETED', key: r.name, value: r.value, revision: r.id };
  if (r.created || r.prev_value === null) return { type: 'ADDED', key: r.name, value: r.value, revision: r.id };
  return { type: 'MODIFIED', key: r.name, value: r.value, prevValue: r.prev_value, revision: r.id };
}

interface Watcher {
  prefix: string;
  end: string;
  live: boolean;
  closed: boolean;
  /** Every event under the prefix up to here has been delivered. */
  last: number;
  /** When the watcher last heard anything (events or progress), in ms. */
  lastNotified: number;
  handlers: WatchHandlers;
}

export interface WatchSource {
  db: Db;
  currentRevision(): number;
  compactedRevision(): number;
  progressIntervalMs: number;
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private readonly history;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly src: WatchSource) {
    this.history = src.db.prepare<[number, number, string, string, number], HistoryRow>(SELECT_HISTORY);
    this.timer = setInterval(() => this.progress(), Math.max(10, src.progressIntervalMs / 2));
    this.timer.unref();
  }

  get size(): number {
    return this.watchers.size;
  }

  watch(opts: WatchOptions, handlers: WatchHandlers): Watch {
    const w: Watcher = {
      prefix: opts.prefix,
      end: prefixEnd(opts.prefix),
      live: false,
      closed: false,
      last: opts.afterRevision,
      lastNotified: Date.now(),
      handlers,
    };
    this.watchers.add(w);
    queueMicrotask(() => this.catchUp(w));
    return { close: () => this.drop(w) };
  }

  /** Called after a batch committed: events in revision order, revision the batch's highest. */
  publish(events: StoreEvent[], revision: number): void {
    for (const w of [...this.watchers]) {
      if (!w.live || w.closed) continue;
      const mine = events.filter((e) => e.revision > w.last && e.key >= w.prefix && e.key < w.end);
      w.last = Math.max(w.last, revision);
      if (mine.length > 0) this.deliver(w, mine);
    }
  }

  /** Ends every watch (backend closing). */
  closeAll(err: StorageError): void {
    clearInterval(this.timer);
    for (const w of [...this.watchers]) this.fail(w, err);
  }

  private catchUp(w: Watcher): void {
    if (w.closed) return;
    const compacted = this.src.compactedRevision();
    if (w.last < compacted) {
      this.fail(
        w,
        new StorageError('Compacted', `revision ${w.last} has been compacted; oldest available is ${compacted}`, undefined, {
          requested: w.last,
          compacted,
        }),
      );
      return;
    }
    const upTo = this.src.currentRevision();
    const events = this.history.all(w.last, upTo, w.prefix, w.end, CATCH_UP_CHUNK).map(rowToEvent);
    if (events.length === CATCH_UP_CHUNK) {
      w.last = events[events.length - 1]!.revision;
      this.deliver(w, events);
      setImmediate(() => this.catchUp(w));
      return;
    }
    // Everything up to upTo is read: from here on, publish() feeds this watcher.
    w.last = Math.max(w.last, upTo);
    w.live = true;
    if (events.length > 0) this.deliver(w, events);
  }

  private deliver(w: Watcher, events: StoreEvent[]): void {
    if (w.closed) return;
    w.lastNotified = Date.now();
    try {
      w.handlers.onEvents(events);
    } catch (e) {
      this.fail(w, new StorageError('Internal', `watch handler for ${w.prefix} threw: ${String(e)}`));
    }
  }

  /**
   * Progress for every live watcher now (etcd's RequestProgress). Batches are published as
   * they commit, so a live watcher has had every event up to its `last`: a consistent read
   * can then be served by a watch cache without asking the store.
   */
  requestProgress(): void {
    this.progress(true);
  }

  private progress(now_ = false): void {
    const now = Date.now();
    for (const w of [...this.watchers]) {
      if (!w.live || w.closed || !w.handlers.onProgress) continue;
      if (!now_ && now - w.lastNotified < this.src.progressIntervalMs) continue;
      w.lastNotified = now;
      try {
        w.handlers.onProgress(w.last);
      } catch {
        // A progress notification is advisory; a failing handler must not stop the others.
      }
    }
  }

  private fail(w: Watcher, err: StorageError): void {
    if (w.closed) return;
    this.drop(w);
    try {
      w.handlers.onError(err);
    } catch {
      // The watch is over either way.
    }
  }

  private drop(w: Watcher): void {
    w.closed = true;
    this.watchers.delete(w);
  }
}
