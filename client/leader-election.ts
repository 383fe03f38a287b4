// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// candidates try every retryPeriod (jittered) to take a Lease whose holder has not renewed
// within leaseDuration; the leader renews every retryPeriod and gives up if it could not renew
// for renewDeadline. Writes carry the read resourceVersion, so two candidates racing for one
// expired Lease cannot both win (one gets 409). Expiry is judged by when *we* last saw the
// Lease change on our own clock, not by its renewTime, so clock skew between machines does not
// matter. Unlike client-go, onStoppedLeading is called only if we actually led.

import { silentLog } from './log.ts';
import { microTime } from '../api/meta/time.ts';
import type { KubeObject } from '../api/types.ts';
import type { Client, Clock, Log, ResourceRef } from './types.ts';
import { isNotFound } from './errors.ts';
import { sleep, systemClock } from './clock.ts';

export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionConfig {
  client: Client;
  namespace: string;
  name: string;
  /** Who we are; unique per candidate (e.g. hostname plus a random suffix). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Clear the holder when stopped through the signal, so a successor need not wait out the lease. */
  releaseOnCancel?: boolean;
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading(): void;
  /** Called when the observed leader changes (including to ourselves). */
  onNewLeader?(identity: string): void;
  clock?: Clock;
  log?: Log;
  /** A factor in [0, 1) for retry jitter; Math.random by default. */
  random?: () => number;
}

export interface LeaderElector {
  /** Campaigns, leads, and returns once leadership is lost or the signal aborts. */
  run(signal?: AbortSignal): Promise<void>;
  isLeader(): boolean;
  /** The holder last observed. */
  leader(): string | undefined;
}

export function createLeaderElector(cfg: LeaderElectionConfig): LeaderElector {
  const clock = cfg.clock ?? systemClock;
  const log = cfg.log ?? silentLog;
  const random = cfg.random ?? Math.random;
  const leaseMs = cfg.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = cfg.renewDeadlineMs ?? 10_000;
  const retryMs = cfg.retryPeriodMs ?? 2_000;
  if (!(leaseMs > renewDeadlineMs && renewDeadlineMs > retryMs)) {
    throw new Error('leader election: need leaseDuration > renewDeadline > retryPeriod');
  }
  const leaseSeconds = Math.max(1, Math.round(leaseMs / 1000));
  let observedRaw = '';
  let observedAt = 0;
  let observedHolder: string | undefined;
  let leading = false;

  const now = () => clock.now().getTime();

  function observe(spec: LeaseSpec | undefined): void {
    const raw = JSON.stringify(spec ?? {});
    if (raw !== observedRaw) {
      observedRaw = raw;
      observedAt = now();
    }
    const holder = spec?.holderIdentity || undefined;
    if (holder !== observedHolder) {
      observedHolder = holder;
      if (holder) cfg.onNewLeader?.(holder);
    }
  }

  /** One attempt to take or keep the Lease; true when we hold it afterwards. */
  async function tryAcquireOrRenew(): Promise<boolean> {
    const t = clock.now();
    const fresh: LeaseSpec = { holderIdentity: cfg.identity, leaseDurationSeconds: leaseSeconds, acquireTime: microTime(t), renewTime: microTime(t), leaseTransitions: 0 };
    let lease: Lease;
    try {
      lease = await cfg.client.get<Lease>(LEASES, cfg.namespace, cfg.name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const made = await cfg.client.create<Lease>(LEASES, cfg.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: cfg.name, namespace: cfg.namespace }, spec: fresh });
      observe(made.spec);
      return true;
    }
    const spec = lease.spec ?? {};
    observe(spec);
    const holder = spec.holderIdentity;
    const mine = holder === cfg.identity;
    const durationMs = (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
    if (holder && !mine && observedAt + durationMs > now()) return false;
    const next: LeaseSpec = mine
      ? { ...fresh, acquireTime: spec.acquireTime ?? fresh.acquireTime, leaseTransitions: spec.leaseTransitions ?? 0 }
      : { ...fresh, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    const updated = await cfg.client.update<Lease>(LEASES, cfg.namespace, { ...lease, spec: next });
    observe(updated.spec);
    return true;
  }

  /** An attempt that never throws and never outlasts `ms`. */
  async function attempt(ms: number): Promise<boolean> {
    const timeout = new AbortController();
    const timer = sleep(clock, ms, timeout.signal).then(() => false);
    try {
      return await Promise.race([
        tryAcquireOrRenew().catch((e) => {
          log.debug('lease attempt failed', { lease: `${cfg.namespace}/${cfg.name}`, err: e });
          return false;
        }),
        timer,
      ]);
    } finally {
      timeout.abort();
    }
  }

  async function release(): Promise<void> {
    try {
      const lease = await cfg.client.get<Lease>(LEASES, cfg.namespace, cfg.name);
      if (lease.spec?.holderIdentity !== cfg.identity) return;
      const t = microTime(clock.now());
      await cfg.client.update<Lease>(LEASES, cfg.namespace, {
        ...lease,
        spec: { leaseDurationSeconds: 1, acquireTime: t, renewTime: t, leaseTransitions: lease.spec.leaseTransitions ?? 0 },
      });
    } catch (e) {
      log.warn('could not release the lease', { lease: `${cfg.namespace}/${cfg.name}`, err: e });
    }
  }

  async function run(signal?: AbortSignal): Promise<void> {
    const jittered = () => retryMs * (1 + random() * 1.2);
    const name = `${cfg.namespace}/${cfg.name}`;
    // Campaign.
    for (;;) {
      if (signal?.aborted) return;
      if (await attempt(renewDeadlineMs)) break;
      await sleep(clock, jittered(), signal);
    }
    if (signal?.aborted) {
      if (cfg.releaseOnCancel) await release();
      return;
    }
    leading = true;
    log.info('became leader', { lease: name, identity: cfg.identity });
    const leaderScope = new AbortController();
    const onAbort = () => leaderScope.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(() => cfg.onStartedLeading(leaderScope.signal))
      .catch((e) => log.error('onStartedLeading failed', { lease: name, err: e }));
    // Renew until we cannot or are told to stop.
    let lastRenew = now();
    while (!signal?.aborted) {
      await sleep(clock, retryMs, signal);
      if (signal?.aborted) break;
      const left = renewDeadlineMs - (now() - lastRenew);
      if (left > 0 && (await attempt(left))) {
        lastRenew = now();
        continue;
      }
      if (now() - lastRenew >= renewDeadlineMs) {
        log.warn('failed to renew the lease in time; stopping', { lease: name, identity: cfg.identity });
        break;
      }
    }
    leading = false;
    leaderScope.abort();
    signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted && cfg.releaseOnCancel) await release();
    cfg.onStoppedLeading();
  }

  return { run, isLeader: () => leading, leader: () => observedHolder };
}
