// What the generic engine needs from storage (implemented over server/storage's ObjectStore and
// Cacher in ./storage-adapter.ts), and what a request carries into the engine. The storage
// types are server/storage's own: one set from the store contract up to the engine.

import type { KubeObject } from '../../../api/types.ts';
import type { CacheWatchOptions } from '../../storage/cacher.ts';
import type { ListOptions, ListResult, Preconditions, TryUpdate, UpdateOptions, WatchEvent } from '../../storage/object-store.ts';

export type { ListOptions, ListResult, Preconditions, WatchEvent } from '../../storage/object-store.ts';

/**
 * JSON of objects a write returned, when the watch cache already serialized the very same
 * state (its entry for the key at the written resourceVersion): the response reuses it
 * instead of serializing again. Objects are not changed after a write returns them.
 */
export const writtenJson = new WeakMap<KubeObject, string | Buffer>();

/** How the engine watches: the watch cache's options, its prefix being the engine's to choose. */
export type StoreWatchOptions = Omit<CacheWatchOptions, 'prefix'>;

export interface WatchHandle {
  stop(): void;
}

/**
 * What the engine needs from storage: server/storage's ObjectStore contract (same names, same
 * types), with lists and watches served by the watch cache.
 */
export interface ResourceStore {
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  get(key: string, opts?: { resourceVersion?: string }): Promise<KubeObject>;
  guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts?: UpdateOptions): Promise<KubeObject>;
  delete(key: string, opts?: { preconditions?: Preconditions }): Promise<KubeObject>;
  list(prefix: string, opts: ListOptions): Promise<ListResult>;
  watch(
    prefix: string,
    opts: StoreWatchOptions,
    onEvent: (e: WatchEvent) => void,
    onClose: (err?: Error) => void,
  ): Promise<WatchHandle>;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** One request's view of the engine: who, where, and how. */
export interface RequestContext {
  user: UserInfo;
  namespace: string;
  now: Date;
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  userAgent?: string;
  /** Warnings to return in Warning headers. */
  warnings: string[];
  /** The request's audit annotations (admission adds to them); absent when not audited. */
  auditAnnotations?: Record<string, string>;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
}
