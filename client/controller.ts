// runController: N workers over one work queue, controller-runtime style. Each worker loops
// get -> reconcile(key) -> decide -> done:
//   success              forget (reset the key's backoff); addAfter when requeueAfterMs is set
//   TerminalError        log it and forget: retrying cannot help
//   any other error      addRateLimited: retried with the key's growing backoff
// The queue guarantees a key is reconciled by one worker at a time. Stopping = shutting the
// queue down (or aborting `signal`); the returned promise resolves once every worker is out.

import type { Log, Result, WorkQueue } from './types.ts';
import { TerminalError } from './types.ts';

export interface ControllerOptions<K = string> {
  name: string;
  workers: number;
  queue: WorkQueue<K>;
  reconcile: (key: K) => Promise<Result | void>;
  log: Log;
  /** Aborting shuts the queue down: in-flight reconciles finish, no new ones start. */
  signal?: AbortSignal;
  /** Drain on abort (queued keys still reconciled) instead of stopping at once. */
  drainOnStop?: boolean;
}

export async function runController<K = string>(opts: ControllerOptions<K>): Promise<void> {
  const { name, queue, log } = opts;
  const stop = () => (opts.drainOnStop ? void queue.shutDownWithDrain() : queue.shutDown());
  if (opts.signal?.aborted) stop();
  else opts.signal?.addEventListener('abort', stop, { once: true });
  log.info('controller starting', { controller: name, workers: opts.workers });

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await processOne(opts, key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker));
  opts.signal?.removeEventListener('abort', stop);
  log.info('controller stopped', { controller: name });
}

async function processOne<K>(opts: ControllerOptions<K>, key: K): Promise<void> {
  const { queue, log, name } = opts;
  try {
    const result = await opts.reconcile(key);
    queue.forget(key);
    const after = result ? result.requeueAfterMs : undefined;
    if (after !== undefined && after > 0) queue.addAfter(key, after);
  } catch (e) {
    if (e instanceof TerminalError) {
      log.error('reconcile failed for good', { controller: name, key: String(key), err: e });
      queue.forget(key);
      return;
    }
    const retries = queue.numRequeues(key);
    log.warn('reconcile failed; will retry', { controller: name, key: String(key), err: e, retries });
    queue.addRateLimited(key);
  }
}
