// The controller-manager: builds the enabled controllers, registers their handlers on the
// shared informers, and runs each on its own rate-limited work queue once the caches synced.
// Informers are started by the caller (or here, if not yet started: start() is idempotent).

import { setMaxListeners } from 'node:events';
import type { Client, Clock, InformerFactory, Log } from '../../client/types.ts';
import { createWorkQueue } from '../../client/workqueue.ts';
import { runController } from '../../client/controller.ts';
import { createEventRecorder, type EventRecorder } from '../../client/events.ts';
import { CONTROLLERS } from './definitions.ts';

export interface ControllerManagerOptions {
  client: Client;
  informers: InformerFactory;
  log: Log;
  clock: Clock;
  /** The cluster CA (PEM), published as kube-root-ca.crt. */
  caPem: string;
  /** The cluster CA's key, for csrsigning (absent: CSRs are not signed). */
  caKeyPem?: string;
  /** Controller names to run; default all. '-name' disables one, '*' means all (kube-controller-manager's --controllers). */
  enabled?: string[];
}

export interface ControllerManager {
  stop(): Promise<void>;
}

export function isEnabled(name: string, enabled: string[] | undefined): boolean {
  if (!enabled || enabled.length === 0) return true;
  if (enabled.includes(`-${name}`)) return false;
  return enabled.includes(name) || enabled.includes('*');
}

export function startControllerManager(opts: ControllerManagerOptions): ControllerManager {
  const { client, informers, log, clock, caPem } = opts;
  const abort = new AbortController();
  // Every controller's runner listens on this one signal: more than Node's default of 10.
  setMaxListeners(0, abort.signal);
  const runs: Promise<void>[] = [];
  // One recorder per component: each aggregates its own Events and is flushed on stop.
  const recorders = new Map<string, EventRecorder>();
  const events = (component: string): EventRecorder => {
    let r = recorders.get(component);
    if (!r) recorders.set(component, (r = createEventRecorder({ client, component, clock, log })));
    return r;
  };
  const ctx = { client, informers, clock, log, caPem, caKeyPem: opts.caKeyPem, events };
  const started: { name: string; start: () => void }[] = [];
  for (const [name, factory] of Object.entries(CONTROLLERS)) {
    if (!isEnabled(name, opts.enabled)) continue;
    const def = factory(ctx);
    const queue = createWorkQueue<string>({ clock, name });
    def.register((key, afterMs) => (afterMs && afterMs > 0 ? queue.addAfter(key, afterMs) : queue.add(key)));
    started.push({
      name,
      start: () => runs.push(runController({ name, workers: def.workers, queue, reconcile: def.reconcile, log, signal: abort.signal })),
    });
  }
  informers.start();
  void informers.waitForSync().then(
    () => {
      if (abort.signal.aborted) return;
      for (const s of started) s.start();
      log.info('controllers started', { controllers: started.map((s) => s.name) });
    },
    // Stopped before the caches synced (a short-lived test cluster): nothing went wrong.
    (e: unknown) => abort.signal.aborted || log.error('informers did not sync; controllers not started', { err: e }),
  );
  return {
    async stop() {
      abort.abort();
      await Promise.all(runs);
      await Promise.all([...recorders.values()].map((r) => r.flush()));
    },
  };
}
