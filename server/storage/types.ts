// The store contract: what every backend (sqlite, etcd) gives, shaped like etcd's KV + Watch.
// Values are JSON text; revisions are the store's global, monotonic revision. Everything
// Kubernetes-specific (objects, resourceVersion in metadata, Status errors naming a resource)
// lives one layer up in ./object-store.ts; backends only know keys, bytes and revisions.

export interface KeyValue {
  key: string;
  value: string;
  /** Revision at which the key was (last) created. */
  createRevision: number;
  /** Revision of the last change to the key: this is the object's resourceVersion. */
  modRevision: number;
  /** Set by an encrypting layer when the value was sealed by an older key or provider:
   * an update writes it again even when nothing in it changed (how keys rotate). */
  stale?: boolean;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  /** ADDED/MODIFIED: the new value. DELETED: the value the key had before it was deleted. */
  value: string;
  /** MODIFIED: the value before the change (etcd's prev_kv). */
  prevValue?: string;
  /** The revision of this change. For DELETED the revision of the delete. */
  revision: number;
}

export interface ListOptions {
  /** At most this many items; 0 or absent means all. */
  limit?: number;
  /** Read at this exact revision (must be >= the compacted revision); absent or 0: the current one. */
  revision?: number;
  /** Start here (inclusive) instead of at the prefix: how a continue token resumes. */
  startKey?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the whole list was read at. */
  revision: number;
  /** True when items were cut by limit and more keys follow under the prefix. */
  more: boolean;
  /** When more: how many keys under the prefix follow the last returned (if known). */
  remaining?: number;
}

export interface WatchOptions {
  /** Keys starting with this prefix. */
  prefix: string;
  /** Deliver every event with revision > afterRevision, in revision order. */
  afterRevision: number;
}

export interface WatchHandlers {
  /** Events in revision order; never missed, never twice. */
  onEvents(events: StoreEvent[]): void;
  /**
   * Everything under the prefix up to and including this revision has been delivered
   * (etcd's progress notify). Backends call it when idle so that caches can send bookmarks.
   */
  onProgress?(revision: number): void;
  /** The watch has ended for good (e.g. StorageError 'Compacted'); no more calls follow. */
  onError(err: StorageError): void;
}

export interface Watch {
  close(): void;
}

/** How a write's value was made. */
export interface WriteOptions {
  /** The value is JSON.stringify's output (the object layer's encoding): it is known to be JSON,
   * so the backend skips parsing it again to check. Size and key are still checked. */
  serialized?: boolean;
}

export interface Backend {
  readonly name: 'sqlite' | 'etcd';
  /** Fails with StorageError 'KeyExists' if the key is present. Returns the new revision. */
  create(key: string, value: string, opts?: WriteOptions): Promise<number>;
  /** The current value, or undefined. */
  get(key: string): Promise<KeyValue | undefined>;
  /**
   * Replaces the value iff the key's modRevision equals expectedModRevision.
   * 'KeyNotFound' if absent, 'Conflict' (with the current KeyValue) if changed. Returns the new revision.
   */
  update(key: string, value: string, expectedModRevision: number, opts?: WriteOptions): Promise<number>;
  /**
   * Deletes the key; when expectedModRevision is given, only if it still matches ('Conflict').
   * 'KeyNotFound' if absent. Returns the delete's revision and the value deleted.
   */
  delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prev: KeyValue }>;
  /** Keys under prefix, in key order, all read at one revision. 'Compacted' if revision is too old. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of keys under prefix now. */
  count(prefix: string): Promise<number>;
  /**
   * Watch from afterRevision. If afterRevision < compactedRevision the watch fails at once with
   * 'Compacted' through onError. Backends reconnect and resume by themselves on transient faults.
   */
  watch(opts: WatchOptions, handlers: WatchHandlers): Watch;
  /** The store's current revision. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable (history before it is gone). */
  compactedRevision(): Promise<number>;
  /** Forget history older than revision; keeps each key's latest value. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export type StorageErrorCode =
  | 'KeyExists'
  | 'KeyNotFound'
  | 'Conflict'
  | 'Compacted'
  | 'InvalidValue'
  | 'Unavailable'
  | 'Timeout'
  | 'Internal';

/** Backends throw only this; object-store.ts translates it to a StatusError for clients. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly key?: string,
    /** Conflict: the current value; Compacted: revision requested and oldest available. */
    readonly extra?: { current?: KeyValue; requested?: number; compacted?: number },
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}

/** Upstream's limit on one stored object (etcd's default request size). */
export const MAX_VALUE_BYTES = 1.5 * 1024 * 1024;

/** Checks every backend applies before a write reaches the store; `serialized`: see WriteOptions. */
export function validateWrite(key: string, value: string, serialized = false): void {
  if (!key.startsWith('/') || key.endsWith('/') || key.includes('//') || /[\x00-\x1f]/.test(key)) {
    throw new StorageError('InvalidValue', `invalid key ${JSON.stringify(key)}`, key);
  }
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
    throw new StorageError(
      'InvalidValue',
      `value for ${key} is ${Buffer.byteLength(value)} bytes, over the ${MAX_VALUE_BYTES} byte limit`,
      key,
    );
  }
  if (serialized) return;
  try {
    JSON.parse(value);
  } catch {
    throw new StorageError('InvalidValue', `value for ${key} is not valid JSON`, key);
  }
}
