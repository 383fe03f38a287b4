// The embedded SQLite backend: a log-structured store in one table (see schema.ts), written
// through group commit (batch.ts), read at one revision (read.ts), watched in-process
// (watch.ts) and compacted in chunks (compact.ts). This process is the file's only writer.

import {
  StorageError,
  isStorageError,
  validateWrite,
  type Backend,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type StoreEvent,
  type Watch,
  type WatchHandlers,
  type WatchOptions,
} from '../types.ts';
import { GroupCommit, type BatchStats } from './batch.ts';
import { compactRange, prepareCompaction } from './compact.ts';
import { prepareReads } from './read.ts';
import { openDb, readCompactedRevision, readCurrentRevision, translateError } from './schema.ts';
import { WatchHub } from './watch.ts';
import { applyWrite, prepareWrites, type WriteOp, type WriteResult } from './write.ts';

export interface SqliteBackendOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** How long a watcher may hear nothing before it gets onProgress (default 1000 ms). */
  progressIntervalMs?: number;
  /** Most writes in one transaction (default 1000). */
  maxBatch?: number;
}

export interface SqliteBackend extends Backend {
  readonly name: 'sqlite';
  readonly path: string;
  /** Group-commit figures, for benchmarks. */
  batchStats(): BatchStats;
  /** Progress to every live watch now; watch caches use it for consistent reads. */
  requestProgress(): void;
}

export function openSqliteBackend(opts: SqliteBackendOptions): SqliteBackend {
  const db = openDb(opts.path);
  let current = readCurrentRevision(db);
  let compacted = readCompactedRevision(db);
  let closed = false;

  const writes = prepareWrites(db);
  const reads = prepareReads(db);
  const compactor = prepareCompaction(db);
  const hub = new WatchHub({
    db,
    currentRevision: () => current,
    compactedRevision: () => compacted,
    progressIntervalMs: opts.progressIntervalMs ?? 1000,
  });

  const applyAll = db.transaction((ops: WriteOp[]) =>
    ops.map((op): WriteResult | StorageError => {
      try {
        return applyWrite(writes, op);
      } catch (e) {
        if (isStorageError(e)) return e;
        // The (name, prev_revision) constraint is the last line of defence against a lost race.
        if (e instanceof Error && 'code' in e && String(e.code).startsWith('SQLITE_CONSTRAINT')) {
          return new StorageError('Conflict', `${op.key} was modified concurrently`, op.key);
        }
        throw e;
      }
    }),
  );

  const commit = new GroupCommit((ops) => {
    if (closed) throw unavailable();
    // IMMEDIATE takes the write lock up front: should a second process ever write the same file,
    // it waits (busy_timeout) instead of committing from a stale snapshot.
    const results = applyAll.immediate(ops);
    const events: StoreEvent[] = [];
    for (const r of results) {
      if (r instanceof StorageError) continue;
      events.push(r.event);
      current = Math.max(current, r.revision);
    }
    if (events.length > 0) hub.publish(events, current);
    return results;
  }, opts.maxBatch ?? 1000);

  function unavailable(): StorageError {
    return new StorageError('Unavailable', `sqlite backend ${opts.path} is closed`);
  }

  /** Runs a read (or a check) and turns any throw into a rejected promise. */
  function guarded<T>(fn: () => T): Promise<T> {
    if (closed) return Promise.reject(unavailable());
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(translateError(e, `sqlite ${opts.path}`));
    }
  }

  function readRevision(revision: number | undefined): number {
    if (!revision) return current;
    if (revision < compacted) {
      throw new StorageError('Compacted', `revision ${revision} has been compacted; oldest available is ${compacted}`, undefined, {
        requested: revision,
        compacted,
      });
    }
    if (revision > current) {
      throw new StorageError('InvalidValue', `revision ${revision} is in the future; current is ${current}`);
    }
    return revision;
  }

  function write(op: WriteOp, value?: string, serialized?: boolean): Promise<WriteResult> {
    if (closed) return Promise.reject(unavailable());
    try {
      if (value !== undefined) validateWrite(op.key, value, serialized);
      else validateWrite(op.key, '{}');
    } catch (e) {
      return Promise.reject(e);
    }
    return commit.submit(op);
  }

  let compaction: Promise<void> = Promise.resolve();

  const backend: SqliteBackend = {
    name: 'sqlite',
    path: opts.path,
    batchStats: () => ({ ...commit.stats }),

    create: async (key, value, o) => (await write({ verb: 'create', key, value }, value, o?.serialized)).revision,
    update: async (key, value, expected, o) => (await write({ verb: 'update', key, value, expected }, value, o?.serialized)).revision,
    async delete(key, expected) {
      const r = await write({ verb: 'delete', key, expected });
      return { revision: r.revision, prev: r.prev as KeyValue };
    },

    get: (key) => guarded(() => reads.get(key)),
    list: (prefix, o: ListOptions = {}): Promise<ListResult> =>
      guarded(() => reads.list(prefix, readRevision(o.revision), o)),
    count: (prefix) => guarded(() => reads.count(prefix, current)),
    currentRevision: () => guarded(() => current),
    compactedRevision: () => guarded(() => compacted),

    requestProgress: () => hub.requestProgress(),

    watch(o: WatchOptions, handlers: WatchHandlers): Watch {
      if (closed) {
        queueMicrotask(() => handlers.onError(unavailable()));
        return { close() {} };
      }
      return hub.watch(o, handlers);
    },

    compact(revision) {
      const run = async (): Promise<void> => {
        if (closed) throw unavailable();
        if (revision > current) {
          throw new StorageError('InvalidValue', `cannot compact at ${revision}: current revision is ${current}`);
        }
        if (revision <= compacted) return;
        try {
          compactor.record(revision);
          compacted = revision;
          await compactRange(compactor, compactor.progress(), revision, () => !closed);
        } catch (e) {
          throw translateError(e, `compacting ${opts.path} at ${revision}`);
        }
      };
      const next = compaction.then(run);
      compaction = next.catch(() => undefined);
      return next;
    },

    async close() {
      if (closed) return;
      // Writes already accepted are committed (and acknowledged) before the file closes.
      commit.drain();
      closed = true;
      commit.abort(unavailable());
      hub.closeAll(unavailable());
      await compaction;
      db.close();
    },
  };
  return backend;
}
