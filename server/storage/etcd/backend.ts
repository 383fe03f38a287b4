// The store contract over etcd v3. Each write is one Txn round trip: the compare carries the
// precondition (key absent for create, mod_revision for update/delete) and the failure branch
// reads the key, so a failed update already knows whether it was KeyNotFound or a Conflict.

import type { Etcd3, IRangeRequest, ITxnRequest, ITxnResponse, IRangeResponse } from 'etcd3';
import {
  StorageError,
  validateWrite,
  type WriteOptions,
  type Backend,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Watch,
  type WatchHandlers,
  type WatchOptions,
} from '../types.ts';
import { Endpoints, Keys, translateError } from './client.ts';
import { openWatch } from './watch.ts';

export interface EtcdBackendOptions {
  /** etcd client URLs, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** Prepended to every key (several clusters can share one etcd); default ''. */
  prefix?: string;
  /** Deadline of each request; after it the call fails with 'Unavailable'. Default 5 s. */
  requestTimeoutMs?: number;
}

// etcd's CompareTarget and CompareResult enums (rpc.proto).
const CREATE = 1;
const MOD = 2;
const EQUAL = 0;
/** gRPC's words for a call that failed before any connection carried it. */
const NOT_SENT = /No connection established|ECONNREFUSED/;

export function openEtcdBackend(opts: EtcdBackendOptions): EtcdBackend {
  return new EtcdBackend(opts);
}

export class EtcdBackend implements Backend {
  readonly name = 'etcd' as const;
  readonly endpoints: string[];
  private readonly clients: Endpoints;
  private readonly keys: Keys;
  /** A readable revision such that the one before it is not (0: nothing compacted seen yet). */
  private knownCompacted = 0;
  private readonly watches = new Set<Watch>();

  constructor(opts: EtcdBackendOptions) {
    this.endpoints = opts.endpoints;
    this.clients = new Endpoints(opts.endpoints, opts.requestTimeoutMs);
    this.keys = new Keys(opts.prefix ?? '');
  }

  async create(key: string, value: string, opts?: WriteOptions): Promise<number> {
    validateWrite(key, value, opts?.serialized);
    const k = this.keys.enc(key);
    const res = await this.txn(
      {
        compare: [{ key: k, target: CREATE, result: EQUAL, create_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(value) } }],
      },
      'create',
      key,
    );
    if (!res.succeeded) throw new StorageError('KeyExists', `key ${key} already exists`, key);
    return Number(res.header.revision);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.range({ key: this.keys.enc(key) }, 'get', key);
    return res.kvs.length > 0 ? this.keys.kv(res.kvs[0]) : undefined;
  }

  async update(key: string, value: string, expectedModRevision: number, opts?: WriteOptions): Promise<number> {
    validateWrite(key, value, opts?.serialized);
    const k = this.keys.enc(key);
    if (!(expectedModRevision > 0)) {
      // etcd's mod_revision == 0 matches an absent key and the put would create it.
      const current = await this.get(key);
      if (!current) throw new StorageError('KeyNotFound', `key ${key} not found`, key);
      throw conflict(key, expectedModRevision, current);
    }
    const res = await this.txn(
      {
        compare: [{ key: k, target: MOD, result: EQUAL, mod_revision: expectedModRevision }],
        success: [{ request_put: { key: k, value: Buffer.from(value) } }],
        failure: [{ request_range: { key: k } }],
      },
      'update',
      key,
    );
    if (res.succeeded) return Number(res.header.revision);
    this.failedPrecondition(res, key, expectedModRevision);
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    const k = this.keys.enc(key);
    const guarded = expectedModRevision !== undefined;
    const res = await this.txn(
      {
        compare: guarded ? [{ key: k, target: MOD, result: EQUAL, mod_revision: expectedModRevision }] : [],
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      },
      'delete',
      key,
    );
    if (res.succeeded) {
      const prev = res.responses[0]?.response_delete_range?.prev_kvs ?? [];
      if (prev.length === 0) throw new StorageError('KeyNotFound', `key ${key} not found`, key);
      return { revision: Number(res.header.revision), prev: this.keys.kv(prev[0]) };
    }
    this.failedPrecondition(res, key, expectedModRevision ?? 0);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const start = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
    const req: IRangeRequest = { key: this.keys.enc(start), range_end: this.keys.rangeEnd(prefix) };
    if (opts.limit) req.limit = opts.limit;
    if (opts.revision) req.revision = opts.revision;
    let res: IRangeResponse;
    try {
      res = await this.range(req, `list ${prefix}`, prefix);
    } catch (e) {
      if (e instanceof StorageError && e.code === 'Compacted' && opts.revision) {
        throw await this.compactedError(prefix, opts.revision);
      }
      throw e;
    }
    const items = res.kvs.map((kv) => this.keys.kv(kv));
    const out: ListResult = { items, revision: opts.revision || Number(res.header.revision), more: res.more };
    if (res.more) out.remaining = Number(res.count) - items.length;
    return out;
  }

  async count(prefix: string): Promise<number> {
    const res = await this.range(
      { key: this.keys.enc(prefix), range_end: this.keys.rangeEnd(prefix), count_only: true },
      `count ${prefix}`,
      prefix,
    );
    return Number(res.count);
  }

  watch(opts: WatchOptions, handlers: WatchHandlers): Watch {
    const inner = openWatch(
      {
        pick: () => this.clients.pick(),
        failed: (c) => this.clients.failed(c),
        keys: this.keys,
        sawCompaction: (r) => this.learnCompacted(r),
      },
      opts,
      {
        onEvents: (evs) => handlers.onEvents(evs),
        onProgress: handlers.onProgress && ((rev) => handlers.onProgress?.(rev)),
        onError: (err) => {
          this.watches.delete(w);
          handlers.onError(err);
        },
      },
    );
    const w: Watch = {
      close: () => {
        this.watches.delete(w);
        inner.close();
      },
    };
    this.watches.add(w);
    return w;
  }

  async currentRevision(): Promise<number> {
    // A count of one key: the cheapest request whose header carries the revision.
    const res = await this.range({ key: this.keys.enc('/'), count_only: true }, 'read the current revision');
    return Number(res.header.revision);
  }

  /**
   * etcd has no call that returns its compacted revision, but a read at a compacted revision
   * fails. Compaction only moves forward, so a cached "readable, and the one before is not"
   * stays exact as long as it is still readable (one cheap read); otherwise binary search.
   */
  async compactedRevision(): Promise<number> {
    if (this.knownCompacted > 0 && (await this.readable(this.knownCompacted))) return this.knownCompacted;
    let lo = Math.max(1, this.knownCompacted); // lowest candidate
    let hi = await this.currentRevision(); // the current revision is always readable
    if (lo === 1 && (await this.readable(1))) return 0;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.readable(mid)) hi = mid;
      else lo = mid + 1;
    }
    this.knownCompacted = Math.max(this.knownCompacted, lo);
    return this.knownCompacted;
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.call((c) => c.kv.compact({ revision, physical: false }), true, `compact to revision ${revision}`);
      this.learnCompacted(revision);
    } catch (e) {
      const err = translateError(e, this.endpoints, `compact to revision ${revision}`);
      if (err.code === 'Compacted') return; // already compacted at least that far
      throw err;
    }
  }

  async close(): Promise<void> {
    for (const w of [...this.watches]) w.close();
    this.clients.close();
  }

  private learnCompacted(revision: number): void {
    if (revision > this.knownCompacted) this.knownCompacted = revision;
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.range({ key: this.keys.enc('/'), count_only: true, revision }, `read at revision ${revision}`);
      return true;
    } catch (e) {
      if (e instanceof StorageError && e.code === 'Compacted') return false;
      throw e;
    }
  }

  private async compactedError(key: string, requested: number): Promise<StorageError> {
    const compacted = await this.compactedRevision().catch(() => undefined);
    const oldest = compacted === undefined ? '' : `; the oldest available is ${compacted}`;
    return new StorageError('Compacted', `revision ${requested} has been compacted${oldest}`, key, {
      requested,
      compacted,
    });
  }

  private failedPrecondition(res: ITxnResponse, key: string, expected: number): never {
    const kvs = res.responses[0]?.response_range?.kvs ?? [];
    if (kvs.length === 0) throw new StorageError('KeyNotFound', `key ${key} not found`, key);
    throw conflict(key, expected, this.keys.kv(kvs[0]));
  }

  private txn(req: ITxnRequest, what: string, key: string): Promise<ITxnResponse> {
    return this.call((c) => c.kv.txn(req), false, `${what} ${key}`, key);
  }

  private range(req: IRangeRequest, what: string, key?: string): Promise<IRangeResponse> {
    return this.call((c) => c.kv.range(req), true, key ? `${what} ${key}` : what, key);
  }

  /**
   * Calls go to the preferred endpoint. When it is unavailable the next one becomes preferred,
   * and a read is tried there at once; a write only when it never left this process (no
   * connection), as a write that reached etcd may have committed though its answer was lost.
   */
  private async call<T>(fn: (c: Etcd3) => Promise<T>, idempotent: boolean, what: string, key?: string): Promise<T> {
    for (let i = 1; ; i++) {
      const client = this.clients.pick();
      try {
        return await fn(client);
      } catch (e) {
        const err = translateError(e, this.endpoints, what, key);
        if (err.code !== 'Unavailable') throw err;
        this.clients.failed(client);
        const retry = idempotent || NOT_SENT.test(err.message);
        if (!retry || i >= this.clients.size) throw err;
      }
    }
  }
}

function conflict(key: string, expected: number, current: KeyValue): StorageError {
  return new StorageError(
    'Conflict',
    `key ${key} was modified: expected revision ${expected}, it is at ${current.modRevision}`,
    key,
    { current },
  );
}
