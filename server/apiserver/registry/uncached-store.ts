// The engine's ResourceStore for a kind kept out of the watch cache, as upstream keeps Events
// out of it (its default watch cache sizes give events 0): reads go to the store, and each
// watch is a store watch of its own. A 30,000-pod run leaves ~35,000 Events behind, ~1.2 KB
// each in a cache, for readers that seldom come (kubectl get events, describe); nothing in the
// control plane lists or watches them.

import type { KubeObject } from '../../../api/types.ts';
import { INITIAL_EVENTS_END_ANNOTATION } from '../../storage/cacher.ts';
import {
  decodeObject,
  parseResourceVersion,
  type ListOptions,
  type ListResult,
  type ObjectStore,
  type Predicate,
  type Preconditions,
  type TryUpdate,
  type UpdateOptions,
  type WatchEvent,
} from '../../storage/object-store.ts';
import { tooLargeResourceVersion, toStatusError } from '../../storage/status-errors.ts';
import type { StoreEvent } from '../../storage/types.ts';
import type { ResourceStore, StoreWatchOptions, WatchHandle } from './types.ts';

/** What a watch with a filter sends for a store event: transitions in and out of it as ADDED and DELETED. */
export function filtered(ev: StoreEvent, predicate: Predicate | undefined): WatchEvent | undefined {
  const object = decodeObject(ev.value, ev.revision);
  if (!predicate) return { type: ev.type, object };
  const now = predicate(object);
  if (ev.type !== 'MODIFIED') return now ? { type: ev.type, object } : undefined;
  // Without the value before (a backend that did not say), a change is only a change.
  const before = ev.prevValue !== undefined ? predicate(decodeObject(ev.prevValue, ev.revision)) : now;
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object };
  return before ? { type: 'DELETED', object: decodeObject(ev.prevValue!, ev.revision) } : undefined;
}

export class UncachedResourceStore implements ResourceStore {
  constructor(
    private readonly store: ObjectStore,
    /** kind and apiVersion of the objects, for the initial-events-end BOOKMARK. */
    private readonly type: { kind: string; apiVersion: string },
  ) {}

  create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.store.create(key, obj);
  }

  get(key: string): Promise<KubeObject> {
    return this.store.get(key);
  }

  guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: UpdateOptions = {}): Promise<KubeObject> {
    return this.store.guaranteedUpdate(key, tryUpdate, opts);
  }

  delete(key: string, opts: { preconditions?: Preconditions } = {}): Promise<KubeObject> {
    return this.store.delete(key, opts);
  }

  list(prefix: string, opts: ListOptions): Promise<ListResult> {
    return this.store.list(prefix, opts);
  }

  /**
   * rv '' / '0': the current state as ADDED, then changes (sendInitialEvents=false: changes
   * only); N: changes after N (410 once compacted, as an error to onClose).
   */
  async watch(prefix: string, opts: StoreWatchOptions, onEvent: (e: WatchEvent) => void, onClose: (err?: Error) => void): Promise<WatchHandle> {
    const rv = parseResourceVersion(opts.resourceVersion);
    const backend = this.store.backend;
    const fail = (e: unknown) => toStatusError(e, this.store.resource, prefix, backend);
    const current = await backend.currentRevision().catch((e: unknown) => {
      throw fail(e);
    });
    let after = rv || current;
    if (rv > current) throw tooLargeResourceVersion(rv, current);
    if (opts.sendInitialEvents ?? rv === 0) {
      const state = await this.store.list(prefix, { resourceVersion: opts.resourceVersion, predicate: opts.predicate });
      after = Number(state.resourceVersion);
      for (const object of state.items) onEvent({ type: 'ADDED', object });
      if (opts.sendInitialEvents) {
        const metadata = { resourceVersion: state.resourceVersion, annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } };
        onEvent({ type: 'BOOKMARK', object: { kind: this.type.kind, apiVersion: this.type.apiVersion, metadata } });
      }
    }
    let closed = false;
    const w = backend.watch(
      { prefix, afterRevision: after },
      {
        onEvents: (events) => {
          for (const ev of events) {
            if (closed) return;
            const out = filtered(ev, opts.predicate);
            if (out) onEvent(out);
          }
        },
        onError: (err) => {
          if (closed) return;
          closed = true;
          onClose(fail(err));
        },
      },
    );
    return {
      stop: () => {
        if (closed) return;
        closed = true;
        w.close();
        onClose();
      },
    };
  }
}
