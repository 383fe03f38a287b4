// The Kubernetes object layer over a byte-level Backend, for one resource (upstream's
// storage.Interface over etcd3): objects in and out as JSON, metadata.resourceVersion taken from
// the store's revision on every read and never stored, optimistic concurrency, preconditions,
// paged lists with continue tokens, typed watch events, and StorageError -> StatusError.

export * from './objects.ts';

import { randomBytes } from 'node:crypto';

import type { KubeObject } from '../../api/types.ts';
import { badRequest, conflict, gone, notFound, OPTIMISTIC_LOCK_MESSAGE, StatusError, tooLarge } from '../../api/meta/errors.ts';
import type { GroupResource } from '../../api/meta/errors.ts';
import { decodeContinue, encodeContinue, keyAfter } from './continue-token.ts';
import { decodeObject, encodeObject, parseResourceVersion, storedObject, type ListOptions, type ListResult, type Predicate, type Preconditions, type TryUpdate, type WatchEvent } from './objects.ts';
import { nameOfKey, REQUEST_TOO_LARGE_MESSAGE, tooLargeResourceVersion, toStatusError } from './status-errors.ts';
import { isStorageError, MAX_VALUE_BYTES, type Backend, type KeyValue, type StoreEvent } from './types.ts';

export interface WatchHandler {
  onEvents(events: WatchEvent[]): void;
  /** The watch has ended (e.g. 410 when resourceVersion is compacted); no calls follow. */
  onError(err: StatusError): void;
}

/** The message upstream gives when a list at an exact, compacted resourceVersion is asked for. */
export const LIST_EXPIRED_MESSAGE = 'The resourceVersion for the provided list is too old.';
export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
  'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
  'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
  'modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** 410 whose Status carries metadata.continue: a token resuming at the latest revision. */
export class ExpiredContinueError extends StatusError {
  constructor(readonly continueToken: string) {
    super(410, 'Expired', CONTINUE_EXPIRED_MESSAGE);
  }
  override toStatus() {
    const s = super.toStatus();
    s.metadata = { continue: this.continueToken };
    return s;
  }
}

/** The one precondition check (uid, resourceVersion): 409 naming both values, as upstream. */
export function checkPreconditions(gr: GroupResource, key: string, p: Preconditions | undefined, cur: KubeObject): void {
  if (!p) return;
  const meta = cur.metadata ?? {};
  if (p.uid !== undefined && p.uid !== null && p.uid !== meta.uid) {
    throw conflict(gr, nameOfKey(key), `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${meta.uid ?? ''}`);
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== null && p.resourceVersion !== meta.resourceVersion) {
    throw conflict(
      gr,
      nameOfKey(key),
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
    );
  }
}

export interface UpdateOptions {
  preconditions?: Preconditions;
  /** When the object is absent, tryUpdate gets undefined and its result is created. */
  ignoreNotFound?: boolean;
  /** The watch cache's copy of the object, to start from instead of reading the store. */
  cached?: CachedState;
}

/** A copy of an object that may lag behind the store (the watch cache's), as guaranteedUpdate starts from it. */
export interface CachedState {
  /** Its revision (the object's resourceVersion). */
  readonly revision: number;
  /** A fresh, mutable copy, resourceVersion set. */
  object(): KubeObject;
  /** Whether `value` (a stored form) is what it holds. */
  unchanged(value: string): boolean;
}

/**
 * What decodeObject(encodeObject(obj), revision) gives, made from obj itself: only its
 * metadata is replaced (the write owns the object tryUpdate returned; deep-copying it was a
 * third of what a write spent copying). A frozen object is copied.
 */
function withRevision(obj: KubeObject, revision: number): KubeObject {
  if (Object.isFrozen(obj)) return storedObject(obj, revision);
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  obj.metadata = { ...metadata, resourceVersion: String(revision) };
  return obj;
}

/** A write on its way to the backend, as the watch cache of the same process may take it. */
export interface InFlightWrite {
  /** The stored form (encodeObject's JSON). */
  value: string;
  object: KubeObject;
  /**
   * JSON.stringify(storedObject(object, revision)), made from the stringify that gave value
   * (one serialization per write instead of two); absent when it could not be.
   */
  rawAt?: (revision: number) => string;
}

/** A per-process nonce standing in for the resourceVersion while an object is serialized once for both forms. */
const RV_MARK = `rv-${randomBytes(12).toString('hex')}`;
const RV_FRAGMENT = `,"resourceVersion":"${RV_MARK}"`;

/** Values written here are encodeObject's JSON: backends need not parse them again. */
const SERIALIZED = { serialized: true } as const;

export class ObjectStore {
  /**
   * Writes on their way to the backend: key -> the value written and the object it encodes.
   * The watch cache, fed by the same process's backend, takes the object from here instead of
   * parsing the value again (it checks that the value is the very one).
   */
  readonly inFlight = new Map<string, InFlightWrite>();
  /** The revision of this process's latest write here: a watch cache of it shows its own writes. */
  lastWrite = 0;
  /** Updates that started from a cached copy and then read the store (refused, unchanged or in conflict). */
  cacheMisses = 0;

  constructor(
    readonly resource: GroupResource,
    readonly backend: Backend,
  ) {}

  private fail(e: unknown, key: string): StatusError {
    return toStatusError(e, this.resource, key, this.backend);
  }

  private encode(obj: KubeObject): string {
    const value = encodeObject(obj);
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw tooLarge(REQUEST_TOO_LARGE_MESSAGE);
    return value;
  }

  /**
   * The stored form and, from the same JSON.stringify, the watch cache's form of the object at
   * the revision the write will get (see InFlightWrite.rawAt); without the latter when the
   * object's metadata does not allow it.
   */
  private encodeWithRaw(obj: KubeObject): { value: string; rawAt?: (revision: number) => string } {
    const m = obj.metadata;
    let keys = 0;
    if (m) for (const k in m) if (k !== 'resourceVersion' && m[k as keyof typeof m] !== undefined) keys++;
    if (!keys) return { value: this.encode(obj) };
    const { resourceVersion: _rv, ...rest } = m!;
    const json = JSON.stringify({ ...obj, metadata: { ...rest, resourceVersion: RV_MARK } });
    const at = json.indexOf(RV_FRAGMENT);
    // The mark is a per-process nonce: were it in the object's own content, fall back.
    if (at < 0 || json.indexOf(RV_FRAGMENT, at + 1) >= 0) return { value: this.encode(obj) };
    const value = json.slice(0, at) + json.slice(at + RV_FRAGMENT.length);
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw tooLarge(REQUEST_TOO_LARGE_MESSAGE);
    const head = json.slice(0, at);
    const tail = json.slice(at + RV_FRAGMENT.length);
    return { value, rawAt: (revision) => `${head},"resourceVersion":"${revision}"${tail}` };
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    const { value, rawAt } = this.encodeWithRaw(obj);
    try {
      const rev = await this.writing(key, value, obj, () => this.backend.create(key, value, SERIALIZED), rawAt);
      return withRevision(obj, rev);
    } catch (e) {
      throw this.fail(e, key);
    }
  }

  /** Awaits a backend write of `value` (which encodes `object`), listed in inFlight meanwhile. */
  private async writing(key: string, value: string, object: KubeObject, write: () => Promise<number>, rawAt?: (revision: number) => string): Promise<number> {
    this.inFlight.set(key, { value, object, rawAt });
    try {
      const rev = await write();
      this.lastWrite = Math.max(this.lastWrite, rev);
      return rev;
    } finally {
      if (this.inFlight.get(key)?.value === value) this.inFlight.delete(key);
    }
  }

  async get(key: string): Promise<KubeObject> {
    let kv: KeyValue | undefined;
    try {
      kv = await this.backend.get(key);
    } catch (e) {
      throw this.fail(e, key);
    }
    if (!kv) throw notFound(this.resource, nameOfKey(key));
    return decodeObject(kv.value, kv.modRevision);
  }

  /**
   * Read-modify-write with optimistic concurrency. A Conflict from the store means someone wrote in
   * between: read again and call tryUpdate again. An object from tryUpdate that names a different
   * resourceVersion than the current one is the caller's stale read: 409 without retry.
   *
   * opts.cached (upstream's cached "origState"): the watch cache's copy of the object, tried
   * first instead of reading the store. It may lag behind the store, so an attempt from it
   * proves nothing on its own: a failed precondition, an error from tryUpdate or an unchanged
   * result reads the store and tries again; a write from it is guarded by its revision like any
   * other (a Conflict reads the store).
   */
  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: UpdateOptions = {}): Promise<KubeObject> {
    const name = nameOfKey(key);
    try {
      let cached = opts.cached;
      let kv = cached ? undefined : await this.backend.get(key);
      for (;;) {
        const fromCache = cached !== undefined;
        const current = cached ? cached.object() : kv ? decodeObject(kv.value, kv.modRevision) : undefined;
        let next: KubeObject;
        let value: string;
        let rawAt: ((revision: number) => string) | undefined;
        try {
          if (!current && !opts.ignoreNotFound) throw notFound(this.resource, name);
          if (current) checkPreconditions(this.resource, key, opts.preconditions, current);
          next = await tryUpdate(current);
          const pinned = next.metadata?.resourceVersion;
          if (pinned && pinned !== (current?.metadata?.resourceVersion ?? '')) {
            throw conflict(this.resource, name, OPTIMISTIC_LOCK_MESSAGE);
          }
          ({ value, rawAt } = this.encodeWithRaw(next));
        } catch (e) {
          if (!cached) throw e;
          // Refused on the cache's word: the store's own state decides.
          cached = undefined;
          this.cacheMisses++;
          kv = await this.backend.get(key);
          continue;
        }
        try {
          if (cached) {
            // Unchanged from the cache's copy: only the store can tell that it is unchanged now.
            if (cached.unchanged(value)) {
              cached = undefined;
              this.cacheMisses++;
              kv = await this.backend.get(key);
              continue;
            }
            const expected = cached.revision;
            cached = undefined;
            return withRevision(next, await this.writing(key, value, next, () => this.backend.update(key, value, expected, SERIALIZED), rawAt));
          }
          if (!kv) return withRevision(next, await this.writing(key, value, next, () => this.backend.create(key, value, SERIALIZED), rawAt));
          if (value === kv.value && !kv.stale) return withRevision(next, kv.modRevision); // unchanged: no write, no new revision
          const expected = kv.modRevision;
          return withRevision(next, await this.writing(key, value, next, () => this.backend.update(key, value, expected, SERIALIZED), rawAt));
        } catch (e) {
          if (isStorageError(e, 'Conflict')) kv = e.extra?.current ?? (await this.backend.get(key));
          else if (isStorageError(e, 'KeyExists') || isStorageError(e, 'KeyNotFound')) kv = await this.backend.get(key);
          else throw e;
          if (fromCache) this.cacheMisses++;
        }
      }
    } catch (e) {
      throw this.fail(e, key);
    }
  }

  /** Deletes and returns the last state, its resourceVersion being the delete's revision. */
  async delete(key: string, opts: { preconditions?: Preconditions } = {}): Promise<KubeObject> {
    try {
      let kv = await this.backend.get(key);
      for (;;) {
        if (!kv) throw notFound(this.resource, nameOfKey(key));
        checkPreconditions(this.resource, key, opts.preconditions, decodeObject(kv.value, kv.modRevision));
        try {
          const { revision, prev } = await this.backend.delete(key, kv.modRevision);
          this.lastWrite = Math.max(this.lastWrite, revision);
          return decodeObject(prev.value, revision);
        } catch (e) {
          if (isStorageError(e, 'Conflict')) kv = e.extra?.current ?? (await this.backend.get(key));
          else if (isStorageError(e, 'KeyNotFound')) kv = undefined;
          else throw e;
        }
      }
    } catch (e) {
      throw this.fail(e, key);
    }
  }

  /**
   * A list at one revision. resourceVersion semantics as upstream's storage layer: '' / '0' read the
   * latest; Exact N reads at N (410 if compacted); NotOlderThan N (or legacy N without limit) reads the
   * latest and fails with 504 "Too large resource version" if that is older than N.
   */
  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const requested = parseResourceVersion(opts.resourceVersion);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let revision = 0;
    let startKey: string | undefined;
    if (opts.continue) {
      if (requested !== 0) throw badRequest('specifying resource version is not allowed when using continue');
      const pos = decodeContinue(opts.continue, prefix);
      startKey = pos.startKey;
      revision = pos.revision > 0 ? pos.revision : 0;
    } else if (requested > 0 && (opts.resourceVersionMatch === 'Exact' || (!opts.resourceVersionMatch && limit > 0))) {
      revision = requested;
    }
    try {
      if (revision > 0 && !opts.continue) {
        const current = await this.backend.currentRevision();
        if (revision > current) throw tooLargeResourceVersion(revision, current);
      }
      const res = await this.scan(prefix, revision, startKey, limit, opts.predicate);
      if (!revision && requested > Number(res.resourceVersion)) {
        throw tooLargeResourceVersion(requested, Number(res.resourceVersion));
      }
      return res;
    } catch (e) {
      if (isStorageError(e, 'Compacted')) {
        if (opts.continue && startKey) throw new ExpiredContinueError(encodeContinue(startKey, prefix, -1));
        throw gone(LIST_EXPIRED_MESSAGE);
      }
      throw this.fail(e, prefix);
    }
  }

  /** Pages through the backend at one revision until limit items pass the predicate. */
  private async scan(
    prefix: string,
    revision: number,
    startKey: string | undefined,
    limit: number,
    predicate: Predicate | undefined,
  ): Promise<ListResult> {
    const items: KubeObject[] = [];
    let rev = revision;
    let from = startKey;
    for (;;) {
      const want = limit ? Math.min(Math.max((limit - items.length) * (predicate ? 2 : 1), 1), 10_000) : 0;
      const page = await this.backend.list(prefix, { limit: want, revision: rev || undefined, startKey: from });
      rev = page.revision;
      for (let i = 0; i < page.items.length; i++) {
        const kv = page.items[i];
        const obj = decodeObject(kv.value, kv.modRevision);
        if (predicate && !predicate(obj)) continue;
        items.push(obj);
        const moreHere = i < page.items.length - 1 || page.more;
        if (limit && items.length >= limit && moreHere) {
          const result: ListResult = {
            items,
            resourceVersion: String(rev),
            continue: encodeContinue(keyAfter(kv.key), prefix, rev),
          };
          if (!predicate && page.remaining !== undefined) {
            result.remainingItemCount = page.remaining + (page.items.length - 1 - i);
          }
          return result;
        }
      }
      if (!page.more || page.items.length === 0) return { items, resourceVersion: String(rev) };
      from = keyAfter(page.items[page.items.length - 1].key);
    }
  }

  /**
   * Watches keys under prefix. resourceVersion '' or '0': the current state as ADDED events, then
   * changes; N: every change after N (410 through onError when N is compacted).
   */
  watch(prefix: string, resourceVersion: string, handler: WatchHandler): { close(): void } {
    let closed = false;
    let inner: { close(): void } | undefined;
    const start = async (): Promise<void> => {
      let after = parseResourceVersion(resourceVersion);
      if (after === 0) {
        const all = await this.list(prefix);
        after = Number(all.resourceVersion);
        if (closed) return;
        if (all.items.length) handler.onEvents(all.items.map((object) => ({ type: 'ADDED', object })));
      }
      if (closed) return;
      inner = this.backend.watch(
        { prefix, afterRevision: after },
        {
          onEvents: (events) => {
            if (!closed) handler.onEvents(events.map(toWatchEvent));
          },
          onError: (err) => {
            if (!closed) handler.onError(this.fail(err, prefix));
            closed = true;
          },
        },
      );
    };
    start().catch((e: unknown) => {
      if (!closed) handler.onError(this.fail(e, prefix));
      closed = true;
    });
    return {
      close: () => {
        closed = true;
        inner?.close();
      },
    };
  }
}

/** DELETED carries the last state with resourceVersion = the delete's revision. */
export function toWatchEvent(ev: StoreEvent): WatchEvent {
  return { type: ev.type, object: decodeObject(ev.value, ev.revision) };
}
