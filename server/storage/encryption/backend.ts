// A Backend that encrypts values on their way in and decrypts them on their way out, as
// upstream's storage transformers do: everything above it (object store, watch cache) sees
// plaintext, the store below only ciphertext. A value that cannot be read fails the call with
// an Internal error naming the key, as upstream answers 500 until the key is restored.

import { StorageError, validateWrite, type Backend, type KeyValue, type StoreEvent, type WriteOptions } from '../types.ts';
import type { Transformer } from './config.ts';

/** Checked here, on the plaintext: what reaches the store is ciphertext. */
const CHECKED: WriteOptions = { serialized: true };

export function encryptingBackend(inner: Backend, transformerOf: (key: string) => Transformer): Backend {
  const seal = (key: string, value: string, opts?: WriteOptions): string => {
    validateWrite(key, value, opts?.serialized);
    return transformerOf(key).write(value, key);
  };
  const open = (key: string, stored: string): { value: string; stale: boolean } => {
    try {
      return transformerOf(key).read(stored, key);
    } catch (e) {
      throw new StorageError('Internal', `failed to decrypt the stored value of ${key}: ${(e as Error).message}`, key);
    }
  };
  const openKv = (kv: KeyValue): KeyValue => {
    const { value, stale } = open(kv.key, kv.value);
    return stale ? { ...kv, value, stale } : { ...kv, value };
  };
  // Errors carry the current value (Conflict): it is decrypted like any read.
  const translate = (e: unknown): never => {
    if (e instanceof StorageError && e.extra?.current) {
      throw new StorageError(e.code, e.message, e.key, { ...e.extra, current: openKv(e.extra.current) });
    }
    throw e;
  };
  const openEvent = (ev: StoreEvent): StoreEvent => ({
    ...ev,
    value: open(ev.key, ev.value).value,
    ...(ev.prevValue !== undefined ? { prevValue: open(ev.key, ev.prevValue).value } : {}),
  });

  return {
    name: inner.name,
    create: async (key, value, opts) => inner.create(key, seal(key, value, opts), CHECKED),
    get: async (key) => {
      const kv = await inner.get(key);
      return kv && openKv(kv);
    },
    update: async (key, value, expected, opts) => inner.update(key, seal(key, value, opts), expected, CHECKED).catch(translate),
    delete: async (key, expected) => {
      const r = await inner.delete(key, expected).catch(translate);
      return { revision: r.revision, prev: openKv(r.prev) };
    },
    list: async (prefix, opts) => {
      const r = await inner.list(prefix, opts);
      return { ...r, items: r.items.map(openKv) };
    },
    count: (prefix) => inner.count(prefix),
    watch: (opts, handlers) => {
      // A value that cannot be read ends the watch, as the contract's onError says: no calls follow.
      let failed = false;
      const w = inner.watch(opts, {
        ...handlers,
        onEvents(events) {
          if (failed) return;
          let opened: StoreEvent[];
          try {
            opened = events.map(openEvent);
          } catch (e) {
            failed = true;
            queueMicrotask(() => w.close());
            handlers.onError(e as StorageError);
            return;
          }
          handlers.onEvents(opened);
        },
        onProgress: handlers.onProgress && ((rev) => void (failed || handlers.onProgress!(rev))),
        onError: (e) => void (failed || handlers.onError(e)),
      });
      return w;
    },
    currentRevision: () => inner.currentRevision(),
    compactedRevision: () => inner.compactedRevision(),
    compact: (revision) => inner.compact(revision),
    close: () => inner.close(),
  };
}
