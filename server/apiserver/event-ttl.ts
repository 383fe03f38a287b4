// Events expire: kube-apiserver's --event-ttl (default 1h) keeps an Event for that long after
// its last write (upstream attaches an etcd lease to each write). kubets sweeps instead, so
// SQLite and etcd behave alike: every period it pages through the stored Events (both API
// versions share one store, core/v1's) and deletes those whose last write is older than the
// TTL. An Event's last write is read from its own times, which its recorder sets as it writes
// (lastTimestamp, series.lastObservedTime, eventTime, creationTimestamp, the latest of them).
// Each delete carries the resourceVersion it saw: an Event written again meanwhile stays.
// Watchers see the expiry as DELETED, as they do a lease's.

import { StatusError } from '../../api/meta/errors.ts';
import type { KubeObject } from '../../api/types.ts';
import { ObjectStore } from '../storage/object-store.ts';
import type { Backend } from '../storage/types.ts';
import type { Logger } from '../log.ts';

export const DEFAULT_EVENT_TTL_MS = 60 * 60_000;
const PREFIX = '/registry/events/';
const PAGE = 500;

export interface EventExpiryOptions {
  backend: Backend;
  ttlMs: number;
  now(): number;
  log: Logger;
  /** How often to sweep; a tenth of the TTL, between 1 s and 5 min, by default. */
  periodMs?: number;
}

export interface EventExpiry {
  /** One sweep now; resolves to how many Events it deleted. */
  sweep(): Promise<number>;
  stop(): void;
}

/** The latest of the times an Event's writers set, in ms since the epoch (NaN-free: 0 when none parse). */
export function lastWriteOf(ev: KubeObject): number {
  const e = ev as KubeObject & { lastTimestamp?: string; eventTime?: string; series?: { lastObservedTime?: string } };
  let latest = 0;
  for (const t of [e.lastTimestamp, e.series?.lastObservedTime, e.eventTime, e.metadata?.creationTimestamp]) {
    const ms = typeof t === 'string' ? Date.parse(t) : NaN;
    if (ms > latest) latest = ms;
  }
  return latest;
}

export function startEventExpiry(o: EventExpiryOptions): EventExpiry {
  const store = new ObjectStore({ group: '', resource: 'events' }, o.backend);
  const period = o.periodMs ?? Math.min(5 * 60_000, Math.max(1000, o.ttlMs / 10));
  let running: Promise<number> | undefined;

  async function sweepOnce(): Promise<number> {
    const cutoff = o.now() - o.ttlMs;
    let deleted = 0;
    let cont: string | undefined;
    do {
      const page = await store.list(PREFIX, { limit: PAGE, continue: cont });
      for (const ev of page.items) {
        if (lastWriteOf(ev) > cutoff) continue;
        const { namespace, name, resourceVersion } = ev.metadata ?? {};
        try {
          await store.delete(`${PREFIX}${namespace}/${name}`, { preconditions: { resourceVersion } });
          deleted++;
        } catch (e) {
          // Gone already, or written again since the page was read: either way not ours to delete now.
          if (!(e instanceof StatusError) || (e.code !== 404 && e.code !== 409)) throw e;
        }
      }
      cont = page.continue || undefined;
    } while (cont);
    return deleted;
  }

  const sweep = () => (running ??= sweepOnce().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    void sweep()
      .then((n) => n > 0 && o.log.debug('expired events', { count: n }))
      .catch((e) => o.log.warn('event expiry failed', { err: e as Error }));
  }, period);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
