// The control loops of `kubets server`: controller-manager and scheduler, each behind its
// own leader election Lease in kube-system (kube-controller-manager, kube-scheduler), as
// upstream runs them. They reach the apiserver only through a client, so the same code runs
// in-process (a loopback client) or alone (`kubets controller-manager --kubeconfig F`).

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Client, Clock, InformerFactory } from '../client/types.ts';
import { createInformerFactory } from '../client/informer.ts';
import { compactObjects } from '../client/transforms.ts';
import { createInformerViews, type InformerViews } from '../client/informer-views.ts';
import { createLeaderElector } from '../client/leader-election.ts';
import { systemClock } from '../client/clock.ts';
import type { Logger } from './log.ts';

export type Component = 'controllers' | 'scheduler' | 'cloud-controller-manager';

export interface ControlPlaneOptions {
  client: Client;
  /** A component's own client (its own identity: upstream's permissions, not the admin's). */
  clientFor?: Partial<Record<Component, Client>>;
  /**
   * A component's client for its Lease alone, as upstream's "leader-election" client: its own
   * connections, so a renewal never queues behind the hundreds of calls the loops have in
   * flight (it did: leases lost at 1,000 nodes). Default: the component's client.
   */
  electionClientFor?: Partial<Record<Component, Client>>;
  log: Logger;
  components: Component[];
  /** kube-controller-manager's --controllers: names, '-name' to leave one out, '*' for all (default all). */
  controllers?: string[];
  /** The cluster CA, published as kube-root-ca.crt in every namespace. */
  caPem: string;
  /** The cluster CA's key, for signing approved CSRs. */
  caKeyPem?: string;
  /** Hand the Leases back on stop (default); false when nothing outlives this process (a store in memory). */
  releaseLeases?: boolean;
  /** The cloud-controller-manager's load-balancer pool (none: node addresses). */
  loadBalancerPool?: string[];
  clock?: Clock;
  /**
   * Who this process is in the Leases (before a random suffix); default the hostname. Several
   * apiservers on one machine add their port so that the leader can be told apart.
   */
  identity?: string;
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

/**
 * One component's leader terms. A term's component is stopped completely — even one whose
 * start was still under way when the lease was lost — before settled() resolves, and the
 * election loop waits for that before it may win a new term: never two sets of loops at once.
 */
export class LeaderTerms {
  #current: Promise<Running> | undefined;
  #stopping: Promise<void> = Promise.resolve();

  constructor(
    private readonly start: () => Promise<Running>,
    private readonly log: Logger,
  ) {}

  /** A term begins: start the component (a failed start is the elector's to report). */
  async begin(): Promise<void> {
    const starting = this.start();
    this.#current = starting;
    await starting;
  }

  /** The term ended: stop what it started, once its start is done. */
  end(): void {
    const current = this.#current;
    this.#current = undefined;
    if (!current) return;
    this.#stopping = this.#stopping
      .then(async () => (await current.catch(() => undefined))?.stop())
      .catch((e: unknown) => this.log.error('stopping after the term ended failed', { err: e as Error }));
  }

  /** Resolves when every ended term's component has stopped. */
  settled(): Promise<void> {
    return this.#stopping;
  }
}

const LEASE_NAMES: Record<Component, string> = { controllers: 'kube-controller-manager', scheduler: 'kube-scheduler', 'cloud-controller-manager': 'cloud-controller-manager' };

/**
 * The informers of each component. With the controller-manager in this process, all components
 * share one informer per resource (one copy of each pod, not one per component), listed and
 * watched on the controller-manager's identity, whose role may list and watch everything (as
 * upstream's). Without it, each component lists on its own identity, as before.
 */
function informerViews(opts: ControlPlaneOptions): (which: Component) => InformerViews {
  // No loop reads managedFields: the cache keeps none (as upstream's controller-manager and
  // scheduler); and cached objects share their repeated strings (client/transforms.ts).
  const viewsOn = (client: Client) => createInformerViews(() => createInformerFactory(client, { transform: compactObjects() }));
  const clientOf = (which: Component) => opts.clientFor?.[which] ?? opts.client;
  if (opts.components.includes('controllers')) {
    const shared = viewsOn(clientOf('controllers'));
    return () => shared;
  }
  const each = new Map(opts.components.map((c) => [c, viewsOn(clientOf(c))]));
  return (which) => each.get(which)!;
}

async function startLoops(which: Component, opts: ControlPlaneOptions & { client: Client }, informers: InformerFactory, clock: Clock, log: Logger): Promise<Running> {
  if (which === 'controllers') {
    const { startControllerManager } = await import('./controllers/index.ts');
    return startControllerManager({ client: opts.client, informers, log, clock, caPem: opts.caPem, caKeyPem: opts.caKeyPem, enabled: opts.controllers });
  } else if (which === 'cloud-controller-manager') {
    const { startCloudControllerManager } = await import('./cloud-controller-manager/index.ts');
    return startCloudControllerManager({ client: opts.client, informers, log, clock, loadBalancerPool: opts.loadBalancerPool });
  } else {
    const { startScheduler } = await import('./scheduler/scheduler.ts');
    const { createEventRecorder } = await import('../client/events.ts');
    return startScheduler({
      client: opts.client,
      informers,
      log,
      clock,
      recorder: createEventRecorder({ client: opts.client, component: 'default-scheduler', clock }),
    });
  }
}

async function startComponent(which: Component, base: ControlPlaneOptions, views: InformerViews, clock: Clock, log: Logger): Promise<Running> {
  const opts = { ...base, client: base.clientFor?.[which] ?? base.client };
  const informers = views.view();
  // A start that fails hands its informers back (they are the process's, not this term's).
  const inner = await startLoops(which, opts, informers, clock, log).catch((e: unknown) => {
    informers.stop();
    throw e;
  });
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
  const viewsFor = informerViews(opts);
  for (const which of opts.components) {
    const log = opts.log.child({ component: which === 'controllers' ? 'controller-manager' : which });
    const identity = `${opts.identity ?? hostname()}_${randomBytes(4).toString('hex')}`;
    const terms = new LeaderTerms(() => startComponent(which, opts, viewsFor(which), clock, log), log);
    const elector = createLeaderElector({
      client: opts.electionClientFor?.[which] ?? opts.clientFor?.[which] ?? opts.client,
      namespace: 'kube-system',
      name: LEASE_NAMES[which],
      identity,
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
      releaseOnCancel: opts.releaseLeases ?? true,
      clock,
      log,
      onStartedLeading: () => terms.begin(),
      // Upstream's controller-manager exits here; in-process, the old loops are stopped (no
      // create still in flight from stale expectations) before a new term may start others.
      onStoppedLeading: () => terms.end(),
    });
    runs.push(
      (async () => {
        while (!abort.signal.aborted) {
          await terms.settled();
          await elector.run(abort.signal).catch((e) => log.error('leader election failed', { err: e as Error }));
          if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
        }
        terms.end();
        await terms.settled();
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
