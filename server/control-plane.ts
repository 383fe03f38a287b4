// The control loops of `kubets server`: controller-manager and scheduler, each behind its
// own leader election Lease in kube-system (kube-controller-manager, kube-scheduler), as
// upstream runs them. They reach the apiserver only through a client, so the same code runs
// in-process (a loopback client) or alone (`kubets controller-manager --kubeconfig F`).

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Client, Clock } from '../client/types.ts';
import { createInformerFactory } from '../client/informer.ts';
import { createLeaderElector } from '../client/leader-election.ts';
import { systemClock } from '../client/clock.ts';
import type { Logger } from './log.ts';

export type Component = 'controllers' | 'scheduler';

export interface ControlPlaneOptions {
  client: Client;
  log: Logger;
  components: Component[];
  /** The cluster CA, published as kube-root-ca.crt in every namespace. */
  caPem: string;
  clock?: Clock;
  /** Lease timings (tests shorten them). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControlPlane {
  stop(): Promise<void>;
}

interface Running {
  stop(): void | Promise<void>;
}

const LEASE_NAMES: Record<Component, string> = { controllers: 'kube-controller-manager', scheduler: 'kube-scheduler' };

async function startComponent(which: Component, opts: ControlPlaneOptions, clock: Clock, log: Logger): Promise<Running> {
  const informers = createInformerFactory(opts.client, {});
  let inner: Running;
  if (which === 'controllers') {
    const { startControllerManager } = await import('./controllers/index.ts');
    inner = startControllerManager({ client: opts.client, informers, log, clock, caPem: opts.caPem });
  } else {
    const { startScheduler } = await import('./scheduler/scheduler.ts');
    const { createEventRecorder } = await import('../client/events.ts');
    inner = startScheduler({
      client: opts.client,
      informers,
      log,
      clock,
      recorder: createEventRecorder({ client: opts.client, component: 'default-scheduler', clock }),
    });
  }
  informers.start();
  return {
    async stop() {
      await inner.stop();
      informers.stop();
    },
  };
}

export function startControlPlane(opts: ControlPlaneOptions): ControlPlane {
  const clock = opts.clock ?? systemClock;
  const abort = new AbortController();
  const runs: Promise<void>[] = [];
  for (const which of opts.components) {
    const log = opts.log.child({ component: which === 'controllers' ? 'controller-manager' : 'scheduler' });
    const identity = `${hostname()}_${randomBytes(4).toString('hex')}`;
    let running: Running | undefined;
    const elector = createLeaderElector({
      client: opts.client,
      namespace: 'kube-system',
      name: LEASE_NAMES[which],
      identity,
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
      releaseOnCancel: true,
      clock,
      log,
      onStartedLeading: async () => {
        running = await startComponent(which, opts, clock, log);
      },
      onStoppedLeading: () => {
        void running?.stop();
        running = undefined;
      },
    });
    runs.push(
      (async () => {
        while (!abort.signal.aborted) {
          await elector.run(abort.signal).catch((e) => log.error('leader election failed', { err: e as Error }));
          if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
        }
        await running?.stop();
      })(),
    );
  }
  return {
    async stop() {
      abort.abort();
      await Promise.all(runs);
    },
  };
}
