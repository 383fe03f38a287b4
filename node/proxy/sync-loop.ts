// The loop behind the node's rule writers (the proxy, NetworkPolicy): informer events call
// kick(); one sync runs at a time, and changes that arrive during it merge into one more sync
// right after it; a periodic resync repairs anything changed behind our back; a failed sync
// is retried with backoff (500 ms doubling, at most 30 s).

import type { Log } from '../../client/types.ts';

export interface SyncLoopOptions {
  /** What the log calls it ("proxy sync"). */
  what: string;
  /** True once every informer the sync reads has synced. */
  ready(): boolean;
  waitForSync(): Promise<void>;
  syncOnce(): Promise<void>;
  periodMs: number;
  log?: Log;
}

export interface SyncLoop {
  /** Marks the rules dirty and starts a sync unless one runs (which then runs again). */
  kick(): Promise<void>;
  /** Resolves once the rules reflect everything the informers held when it was called. */
  sync(): Promise<void>;
  stop(): void;
}

export function syncLoop(o: SyncLoopOptions): SyncLoop {
  let running: Promise<void> | undefined;
  let dirty = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  function schedule(ms: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void kick();
    }, ms);
  }

  function kick(): Promise<void> {
    dirty = true;
    if (running || stopped || !o.ready()) return running ?? Promise.resolve();
    running = (async () => {
      while (dirty && !stopped) {
        dirty = false;
        try {
          await o.syncOnce();
          failures = 0;
        } catch (e) {
          failures++;
          o.log?.error(`${o.what} failed`, { error: String(e).slice(0, 500), failures });
          schedule(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
          break;
        }
      }
      running = undefined;
      if (!stopped && failures === 0) schedule(o.periodMs);
    })();
    return running;
  }

  void o.waitForSync().then(() => kick());
  return {
    kick,
    async sync() {
      await o.waitForSync();
      // One pass that starts after this call sees every change made before it.
      if (running) await running;
      await kick();
      if (dirty && running) await running;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
