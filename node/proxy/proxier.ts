// The proxy's loop in the agent: Service and EndpointSlice informers mark the ruleset dirty;
// one sync at a time rebuilds the entries for every Service (model.ts), renders the table
// (rules.ts) and installs it in one nft transaction (apply.ts). Changes that arrive during
// a sync merge into one more sync right after it; a periodic resync (syncPeriod, 30 s as
// upstream) repairs anything changed behind our back. A failed sync is retried with backoff.

import type { InformerFactory, Log } from '../../client/types.ts';
import { ensureIndex } from '../dns/cluster-view.ts';
import { NftApplier, nftRunner, type NftRunner } from './apply.ts';
import { buildEntries } from './model.ts';
import { buildRuleset, type RulesOptions } from './rules.ts';
import { BY_SERVICE, ENDPOINT_SLICES, SERVICES, sliceService, type EndpointSlice, type Service } from './types.ts';

export const SYNC_PERIOD_MS = 30_000;

export interface ProxierOptions extends RulesOptions {
  informers: InformerFactory;
  nodeName: string;
  /** How nft is run (default: the system's nft in this network namespace). */
  nft?: NftRunner;
  syncPeriodMs?: number;
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
  const applier = new NftApplier(o.nft ?? nftRunner());
  let running: Promise<void> | undefined;
  let dirty = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  async function syncOnce(): Promise<void> {
    const started = Date.now();
    const entries = buildEntries(services.lister.list(), (ns, name) => slices.lister.byIndex(BY_SERVICE, `${ns}/${name}`), o.nodeName);
    await applier.apply(buildRuleset(entries, o));
    o.onSync?.(started, Date.now() - started, entries.length);
  }

  function schedule(ms: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void kick();
    }, ms);
  }

  function kick(): Promise<void> {
    dirty = true;
    if (running || stopped || !services.hasSynced() || !slices.hasSynced()) return running ?? Promise.resolve();
    running = (async () => {
      while (dirty && !stopped) {
        dirty = false;
        try {
          await syncOnce();
          failures = 0;
        } catch (e) {
          failures++;
          o.log?.error('proxy sync failed', { error: String(e).slice(0, 500), failures });
          schedule(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
          break;
        }
      }
      running = undefined;
      if (!stopped && failures === 0) schedule(o.syncPeriodMs ?? SYNC_PERIOD_MS);
    })();
    return running;
  }

  const onChange = { add: () => void kick(), update: () => void kick(), delete: () => void kick() };
  services.addEventHandler(onChange);
  slices.addEventHandler(onChange);
  void o.informers.waitForSync().then(() => kick());

  return {
    async sync() {
      await o.informers.waitForSync();
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
