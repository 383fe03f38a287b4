// The engine's ResourceStore over server/storage: writes and consistent gets go to the
// ObjectStore, lists and watches to the resource's watch cache (one backend watch each).

import type { Cacher } from '../../storage/cacher.ts';
import type { KubeObject } from '../../../api/types.ts';
import { writtenJson, type ListPage, type Preconditions, type ResourceStore, type StoreListOptions, type StoreWatchOptions, type TryUpdate, type WatchEvent, type WatchHandle } from './types.ts';

export class CachedResourceStore implements ResourceStore {
  constructor(private readonly cacher: Cacher) {}

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.withJson(key, await this.cacher.store.create(key, obj));
  }

  /** An in-process store delivers a write to the cache before it returns: its JSON is there. */
  private withJson(key: string, obj: KubeObject): KubeObject {
    const e = this.cacher.peek(key);
    const rv = obj.metadata?.resourceVersion;
    if (e && rv !== undefined && e.object.metadata?.resourceVersion === rv) writtenJson.set(obj, e.raw);
    return obj;
  }

  get(key: string, opts: { resourceVersion?: string } = {}): Promise<KubeObject> {
    return opts.resourceVersion ? this.cacher.get(key, opts) : this.cacher.store.get(key);
  }

  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: { preconditions?: Preconditions; ignoreNotFound?: boolean } = {}): Promise<KubeObject> {
    return this.withJson(key, await this.cacher.store.guaranteedUpdate(key, tryUpdate, opts));
  }

  delete(key: string, opts: { preconditions?: Preconditions } = {}): Promise<KubeObject> {
    return this.cacher.store.delete(key, opts);
  }

  async list(prefix: string, opts: StoreListOptions): Promise<ListPage> {
    const r = await this.cacher.list({
      prefix,
      resourceVersion: opts.resourceVersion,
      resourceVersionMatch: opts.resourceVersionMatch as 'Exact' | 'NotOlderThan' | undefined,
      limit: opts.limit,
      continue: opts.continue,
      predicate: opts.predicate,
    });
    return { items: r.items, serialized: r.raw, resourceVersion: r.resourceVersion, continue: r.continue, remainingItemCount: r.remainingItemCount };
  }

  async watch(prefix: string, opts: StoreWatchOptions, onEvent: (e: WatchEvent) => void, onClose: (err?: Error) => void): Promise<WatchHandle> {
    const w = await this.cacher.watch({
      prefix,
      resourceVersion: opts.resourceVersion,
      filter: opts.predicate,
      allowBookmarks: opts.allowBookmarks,
      sendInitialEvents: opts.sendInitialEvents,
    });
    void (async () => {
      try {
        for await (const e of w) onEvent({ type: e.type, object: e.object, serialized: e.raw });
        onClose();
      } catch (err) {
        onClose(err as Error);
      }
    })();
    return { stop: () => w.close() };
  }
}
