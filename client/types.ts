// What every control loop (controllers, scheduler, kubelet, simulated nodes) uses to reach an
// apiserver: a typed REST client, shared informers with a local cache, a rate-limited work
// queue. Only the Kubernetes API: no loop touches storage. Implementations live beside this
// file; reconcilers take these interfaces so tests can hand them fakes.

import type { KubeObject } from '../api/types.ts';

/** Which resource a call is about (a ResourceType from api/ satisfies it). */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** 'status', 'scale', 'binding', 'eviction'... */
  subresource?: string;
  /**
   * Client-side, not sent: the caller never reads the answer's metadata.managedFields, so the
   * client may leave them out when it decodes it (./without-managed-fields.ts).
   */
  omitManagedFields?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
  /**
   * Client-side, not sent: the caller drops every object's metadata.managedFields (an informer
   * whose transform does), so the client may leave them out when it decodes the events.
   */
  omitManagedFields?: boolean;
}

export interface WatchHandle {
  stop(): void;
  /** Resolves when the stream ends (server closed, stop(), or error: then rejects with ApiError). */
  done: Promise<void>;
}

/**
 * An error the apiserver answered: the Status it sent. `code` 0 means the request did not get
 * an answer (connection refused, reset, timeout).
 */
export interface ApiErrorShape {
  code: number;
  reason: string;
  message: string;
  status?: unknown;
}

export interface Client {
  get<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string, name: string, opts?: { subresource?: string }): Promise<T>;
  list<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string, opts?: ListOptions): Promise<ObjectList<T>>;
  create<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string, obj: T | KubeObject, opts?: WriteOptions & { name?: string }): Promise<T>;
  update<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string, obj: T, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string, name: string, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<T>;
  delete(r: ResourceRef, namespace: string, name: string, opts?: DeleteOptions): Promise<void>;
  watch<T extends KubeObject = KubeObject>(r: ResourceRef, namespace: string, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle;
}

export interface EventHandler<T extends KubeObject = KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

/** Read access to an informer's cache. Objects are shared: never mutate them, copy first. */
export interface Lister<T extends KubeObject = KubeObject> {
  get(namespace: string, name: string): T | undefined;
  /** All objects, or those in one namespace; optional label selector string. */
  list(namespace?: string, labelSelector?: string): T[];
  /** Objects found by a named index (e.g. 'spec.nodeName' for pods). */
  byIndex(index: string, value: string): T[];
}

export interface Informer<T extends KubeObject = KubeObject> {
  addEventHandler(h: EventHandler<T>): void;
  /** Adds an index: a function from object to the index values it is filed under. */
  addIndex(name: string, fn: (obj: T) => string[]): void;
  lister: Lister<T>;
  hasSynced(): boolean;
}

export interface InformerFactory {
  /** The one shared informer for this resource (cluster-wide, all namespaces). */
  informer<T extends KubeObject = KubeObject>(r: ResourceRef): Informer<T>;
  /** Starts every informer asked for so far (and any later ones). */
  start(): void;
  /** Resolves when every started informer has listed once. */
  waitForSync(): Promise<void>;
  stop(): void;
}

/** controller-runtime's reconcile.Result. */
export interface Result {
  /** Run again after this long even without events. */
  requeueAfterMs?: number;
}

/** A reconcile error that retrying cannot fix: logged, not requeued with backoff. */
export class TerminalError extends Error {}

export interface Clock {
  now(): Date;
  /** Like setTimeout; tests use a fake clock. */
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

/** The structured logger loops are handed (server/log.ts's Logger satisfies it). */
export interface Log {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * A rate-limited work queue of keys (client/workqueue.ts): a key is handed to one worker at a
 * time; adds while it is in flight merge into one rerun after done().
 */
export interface WorkQueue<K = string> {
  add(key: K): void;
  addAfter(key: K, ms: number): void;
  /** Adds after the rate limiter's delay for this key (grows with each call until forget). */
  addRateLimited(key: K): void;
  forget(key: K): void;
  numRequeues(key: K): number;
  /** The next key; undefined once shut down (or, when draining, once nothing is left). */
  get(): Promise<K | undefined>;
  done(key: K): void;
  shutDown(): void;
  /** Stops taking adds, lets queued and in-flight keys finish; resolves when they have. */
  shutDownWithDrain(): Promise<void>;
  shuttingDown(): boolean;
  /** Keys waiting (not in flight). */
  len(): number;
}

/** The kubeconfig cluster extension naming every apiserver of an HA control plane (kubectl ignores it). */
export const SERVERS_EXTENSION = 'kubets-servers';
