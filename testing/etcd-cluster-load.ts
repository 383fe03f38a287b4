// Write load and counting watchers for HA tests and benchmarks: writers create ConfigMaps with
// fresh names through failover clients and record which creates were acknowledged and when;
// watchers list once, then watch from the last resourceVersion they saw, resuming after every
// break from there (never re-listing unless told 410 Gone) and count each name's ADDED events.

import type { RestClient } from '../client/rest.ts';
import type { ResourceRef } from '../client/types.ts';
import { ApiError } from '../client/errors.ts';

export const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WriteLoad {
  /** Acknowledged creates: name -> when the answer came (ms since epoch). */
  acked: Map<string, number>;
  /** Creates that failed (their outcome is unknown: they may or may not have been stored). */
  failed: Map<string, string>;
  /** The longest time between two acknowledged writes (any writer) in [from, to]. */
  gap(from: number, to: number): number;
  stop(): Promise<void>;
}

export function startWriteLoad(clients: RestClient[], namespace: string, prefix = 'w'): WriteLoad {
  const acked = new Map<string, number>();
  const failed = new Map<string, string>();
  const times: number[] = [];
  let running = true;
  const loops = clients.map(async (c, w) => {
    for (let n = 0; running; n++) {
      const name = `${prefix}${w}-${n}`;
      try {
        await c.create(CONFIGMAPS, namespace, { metadata: { name }, data: { w: String(w), n: String(n) } });
        const at = Date.now();
        acked.set(name, at);
        times.push(at);
      } catch (e) {
        failed.set(name, e instanceof Error ? e.message : String(e));
        await sleep(50);
      }
    }
  });
  return {
    acked,
    failed,
    gap(from, to) {
      const inside = times.filter((t) => t >= from && t <= to).sort((a, b) => a - b);
      let worst = 0;
      let prev = from;
      for (const t of [...inside, to]) {
        worst = Math.max(worst, t - prev);
        prev = t;
      }
      return worst;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export interface CountingWatcher {
  /** name -> ADDED events seen. */
  added: Map<string, number>;
  /** Streams that ended and were resumed from the last resourceVersion. */
  resumes: number;
  /** Times the server said 410 Gone (then the watcher had to list again: events may be lost). */
  gone: number;
  /** The resourceVersion of the last event or bookmark. */
  resourceVersion(): string;
  stop(): void;
}

export async function startCountingWatcher(client: RestClient, namespace: string): Promise<CountingWatcher> {
  const added = new Map<string, number>();
  const list = await client.list(CONFIGMAPS, namespace);
  let rv = list.metadata?.resourceVersion ?? '0';
  for (const o of list.items) added.set(o.metadata!.name!, 1);
  let stopped = false;
  let handle: { stop(): void } | undefined;
  const w: CountingWatcher = { added, resumes: 0, gone: 0, resourceVersion: () => rv, stop: () => ((stopped = true), handle?.stop()) };
  void (async () => {
    while (!stopped) {
      const h = client.watch(CONFIGMAPS, namespace, { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 30 }, (e) => {
        if (e.type === 'ERROR') return;
        const erv = e.object.metadata?.resourceVersion;
        if (e.type === 'ADDED') added.set(e.object.metadata!.name!, (added.get(e.object.metadata!.name!) ?? 0) + 1);
        if (erv) rv = erv;
      });
      handle = h;
      try {
        await h.done;
      } catch (e) {
        if (e instanceof ApiError && e.code === 410) {
          w.gone++;
          const again = await client.list(CONFIGMAPS, namespace).catch(() => undefined);
          if (again) rv = again.metadata?.resourceVersion ?? rv;
        } else await sleep(100);
      }
      if (!stopped) w.resumes++;
    }
  })();
  return w;
}
