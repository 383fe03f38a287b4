// The proxy in the agent: Service and EndpointSlice informers mark the ruleset dirty; each
// sync (sync-loop.ts: one at a time, merged, periodic resync every 30 s as upstream, backoff
// on failure) rebuilds the entries for every Service (model.ts), renders the table (rules.ts)
// and installs it in one nft transaction (apply.ts).

import type { InformerFactory, Log } from '../../client/types.ts';
import { ensureIndex } from '../dns/cluster-view.ts';
import { NftApplier, nftRunner, type NftRunner } from './apply.ts';
import { HealthCheckServers, healthTargets } from './health-check.ts';
import { buildEntries } from './model.ts';
import { buildRuleset, type RulesOptions } from './rules.ts';
import { syncLoop } from './sync-loop.ts';
import { BY_SERVICE, ENDPOINT_SLICES, SERVICES, sliceService, type EndpointSlice, type Service } from './types.ts';

export const SYNC_PERIOD_MS = 30_000;

export interface ProxierOptions extends RulesOptions {
  informers: InformerFactory;
  nodeName: string;
  /** How nft is run (default: the system's nft in this network namespace). */
  nft?: NftRunner;
  syncPeriodMs?: number;
  /** How often a sync is a full one (apply.ts); 0: every sync (what every sync was before partial syncs). */
  fullSyncPeriodMs?: number;
  /** Where healthCheckNodePorts are served (default every address). */
  healthCheckHost?: string;
  log?: Log;
  /** Called after each sync that installed rules: when it started and how long it took. */
  onSync?(startedAt: number, ms: number, entries: number): void;
}

export interface Proxier {
  /** Resolves once the rules reflect everything the informers held when it was called. */
  sync(): Promise<void>;
  stop(): void;
}

export function startProxier(o: ProxierOptions): Proxier {
  const services = o.informers.informer<Service>(SERVICES);
  const slices = o.informers.informer<EndpointSlice>(ENDPOINT_SLICES);
  ensureIndex(slices, BY_SERVICE, sliceService);
  const applier = new NftApplier(o.nft ?? nftRunner(), o.fullSyncPeriodMs);
  const health = new HealthCheckServers(o.healthCheckHost, o.log);

  async function syncOnce(): Promise<void> {
    const started = Date.now();
    const entries = buildEntries(services.lister.list(), (ns, name) => slices.lister.byIndex(BY_SERVICE, `${ns}/${name}`), o.nodeName);
    await applier.apply(buildRuleset(entries, o));
    await health.sync(healthTargets(entries));
    o.onSync?.(started, Date.now() - started, entries.length);
  }

  const loop = syncLoop({
    what: 'proxy sync',
    ready: () => services.hasSynced() && slices.hasSynced(),
    waitForSync: () => o.informers.waitForSync(),
    syncOnce,
    periodMs: o.syncPeriodMs ?? SYNC_PERIOD_MS,
    log: o.log,
  });
  const onChange = { add: () => void loop.kick(), update: () => void loop.kick(), delete: () => void loop.kick() };
  services.addEventHandler(onChange);
  slices.addEventHandler(onChange);
  return {
    sync: () => loop.sync(),
    stop: () => {
      loop.stop();
      health.close();
    },
  };
}
