// Shared pieces of the backend contract suite: unique key prefixes, error expectations and a
// watch collector. Backend-neutral: nothing here assumes where revisions start or that the
// store is empty.

import type { ExecutionContext } from 'ava';
import {
  isStorageError,
  type Backend,
  type StorageError,
  type StorageErrorCode,
  type StoreEvent,
  type WatchOptions,
} from '../types.ts';

export type BackendFactory = () => Promise<{ backend: Backend; cleanup(): Promise<void> }>;

export interface ContractContext {
  name: string;
  factory: BackendFactory;
}

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
let seq = 0;

/** A key prefix (no trailing slash) that no other test, and no earlier run, uses. */
export function uniquePrefix(label: string): string {
  seq++;
  return `/registry/kubets-contract/${run}/${label}-${seq}`;
}

/** Runs body with a fresh backend from the factory and always cleans up. */
export async function withBackend<T>(c: ContractContext, body: (b: Backend) => Promise<T>): Promise<T> {
  const { backend, cleanup } = await c.factory();
  try {
    return await body(backend);
  } finally {
    await cleanup();
  }
}

/** Awaits p, asserts it fails with a StorageError of this code, and returns the error. */
export async function expectCode(
  t: ExecutionContext,
  p: Promise<unknown>,
  code: StorageErrorCode,
): Promise<StorageError | undefined> {
  try {
    await p;
  } catch (e) {
    if (isStorageError(e, code)) {
      t.pass();
      return e;
    }
    t.fail(`expected StorageError ${code}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return undefined;
  }
  t.fail(`expected StorageError ${code}, but the call succeeded`);
  return undefined;
}

export interface Collected {
  events: StoreEvent[];
  error?: StorageError;
  progress: number[];
  close(): void;
  /** Resolves when pred holds for the events so far (or an error ended the watch); rejects after timeoutMs. */
  until(pred: (events: StoreEvent[]) => boolean, timeoutMs?: number): Promise<void>;
}

/** Opens a watch that records everything it is told. */
export function collect(b: Backend, opts: WatchOptions): Collected {
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const c: Collected = {
    events: [],
    progress: [],
    close: () => watch.close(),
    until(pred, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pred(c.events) || c.error) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`watch on ${opts.prefix} from ${opts.afterRevision}: timed out with ${c.events.length} events`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  const watch = b.watch(opts, {
    onEvents(events) {
      c.events.push(...events);
      wake();
    },
    onProgress(revision) {
      c.progress.push(revision);
      wake();
    },
    onError(err) {
      c.error = err;
      wake();
    },
  });
  return c;
}

/** The fields of an event a test compares (prevValue only where the contract promises it). */
export function shape(e: StoreEvent): Pick<StoreEvent, 'type' | 'key' | 'value' | 'revision' | 'prevValue'> {
  const s: Pick<StoreEvent, 'type' | 'key' | 'value' | 'revision' | 'prevValue'> = {
    type: e.type,
    key: e.key,
    value: e.value,
    revision: e.revision,
  };
  if (e.type === 'MODIFIED') s.prevValue = e.prevValue;
  return s;
}

export const json = (v: unknown): string => JSON.stringify(v);
