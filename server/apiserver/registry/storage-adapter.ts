// The engine's ResourceStore over server/storage: writes and consistent gets go to the
// ObjectStore, lists and watches to the resource's watch cache (one backend watch each).
// Same types on both sides: nothing is renamed here.

import type { Cacher } from '../../storage/cacher.ts';
import type { KubeObject } from '../../../api/types.ts';
import { encodeObject, type CachedState, type ListOptions, type ListResult, type Preconditions, type TryUpdate, type UpdateOptions, type WatchEvent } from '../../storage/object-store.ts';
import type { CacheEntry } from '../../storage/watch-cache.ts';
import { writtenJson, type ResourceStore, type StoreWatchOptions, type WatchHandle } from './types.ts';

export class CachedResourceStore implements ResourceStore {
  constructor(private readonly cacher: Cacher) {}

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.withJson(key, await this.cacher.store.create(key, obj));
  }

  /** An in-process store delivers a write to the cache before it returns: its JSON is there. */
  private withJson(key: string, obj: KubeObject): KubeObject {
    const e = this.cacher.peek(key);
    const rv = obj.metadata?.resourceVersion;
    if (e && rv !== undefined && String(e.revision) === rv) writtenJson.set(obj, e.raw);
    return obj;
  }

  get(key: string, opts: { resourceVersion?: string } = {}): Promise<KubeObject> {
    return opts.resourceVersion ? this.cacher.get(key, opts) : this.cacher.store.get(key);
  }

  /** Starts from the watch cache's copy when it holds one (the store checks it: see ObjectStore). */
  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: UpdateOptions = {}): Promise<KubeObject> {
    const e = this.cacher.peek(key);
    const cached = e && !opts.cached ? cachedState(e) : opts.cached;
    return this.withJson(key, await this.cacher.store.guaranteedUpdate(key, tryUpdate, { ...opts, cached }));
  }

  delete(key: string, opts: { preconditions?: Preconditions } = {}): Promise<KubeObject> {
    return this.cacher.store.delete(key, opts);
  }

  list(prefix: string, opts: ListOptions): Promise<ListResult> {
    return this.cacher.list({ ...opts, prefix });
  }

  async watch(prefix: string, opts: StoreWatchOptions, onEvent: (e: WatchEvent) => void, onClose: (err?: Error) => void): Promise<WatchHandle> {
    const w = await this.cacher.watch({ ...opts, prefix });
    // One event at a time, by callbacks rather than for-await: a suspended async loop keeps
    // the event it handled last (a parsed object) alive in its frame until the next one comes.
    const step = (): void => {
      w.next().then((r) => {
        if (r.done) return onClose();
        onEvent(r.value);
        step();
      }).catch((err: unknown) => {
        w.close();
        onClose(err as Error);
      });
    };
    step();
    return { stop: () => w.close() };
  }
}

/** The longest `,"resourceVersion":"N"` (or `,"metadata":{...}` around it) a cached JSON adds to the stored form (bytes, ASCII). */
const MAX_RV_CHARS = 64;

/** A cache entry as guaranteedUpdate's starting point: its JSON is the stored form with resourceVersion added. */
function cachedState(e: CacheEntry): CachedState {
  return {
    revision: e.revision,
    object: () => JSON.parse(e.raw.toString()) as KubeObject,
    unchanged(value) {
      const extra = e.raw.length - Buffer.byteLength(value);
      if (extra <= 0 || extra > MAX_RV_CHARS) return false;
      // Metadata's resourceVersion, last in it (as rawAt and decodeObject put it): when it is
      // the only such fragment, the stored form is the same bytes around it, and a renewed
      // Lease (same length, a new renewTime) is told apart without parsing and encoding it.
      const fragment = `,"resourceVersion":"${e.revision}"`;
      const at = e.raw.indexOf(fragment);
      if (at < 0 || extra !== fragment.length || e.raw.indexOf(fragment, at + 1) >= 0) {
        return encodeObject(JSON.parse(e.raw.toString()) as KubeObject) === value;
      }
      const bytes = Buffer.from(value);
      return e.raw.compare(bytes, 0, at, 0, at) === 0 && e.raw.compare(bytes, at, bytes.length, at + fragment.length) === 0;
    },
  };
}
