// What the generic engine needs from storage (implemented over server/storage's ObjectStore and
// Cacher in ./storage-adapter.ts), and what a request carries into the engine.

import type { KubeObject } from '../../../api/types.ts';

/**
 * JSON of objects a write returned, when the watch cache already serialized the very same
 * state (its entry for the key at the written resourceVersion): the response reuses it
 * instead of serializing again. Objects are not changed after a write returns them.
 */
export const writtenJson = new WeakMap<KubeObject, string>();

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface StoreListOptions {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  limit?: number;
  continue?: string;
  /** Label/field filtering; applied before limit counting. */
  predicate?: (obj: KubeObject) => boolean;
}

export interface ListPage {
  items: KubeObject[];
  /** When present, items[i] serialized as JSON (with resourceVersion), for fast responses. */
  serialized?: string[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
  /** The object serialized, when the source had it at hand. */
  serialized?: string;
}

export interface StoreWatchOptions {
  resourceVersion?: string;
  allowBookmarks?: boolean;
  sendInitialEvents?: boolean;
  predicate?: (obj: KubeObject) => boolean;
}

export interface WatchHandle {
  stop(): void;
}

export type TryUpdate = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

export interface ResourceStore {
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  get(key: string, opts?: { resourceVersion?: string }): Promise<KubeObject>;
  guaranteedUpdate(
    key: string,
    tryUpdate: TryUpdate,
    opts?: { preconditions?: Preconditions; ignoreNotFound?: boolean },
  ): Promise<KubeObject>;
  delete(key: string, opts?: { preconditions?: Preconditions }): Promise<KubeObject>;
  list(prefix: string, opts: StoreListOptions): Promise<ListPage>;
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
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
}
