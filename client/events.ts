// The event recorder: `recorder.event(obj, 'Normal' | 'Warning', reason, message)` writes a
// core/v1 Event about obj, in the background (a loop never waits on, or fails because of, an
// event). The same object, type, reason and message within ten minutes is one Event whose
// count and lastTimestamp are patched, not a new Event each time.

import type { KubeObject } from '../api/types.ts';
import type { Client, Clock, Log, ResourceRef } from './types.ts';
import { isNotFound } from './errors.ts';
import { systemClock } from './clock.ts';

export const EVENTS: ResourceRef = { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true };

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: Client;
  /** Who reports: the controller or scheduler name (source.component, reportingComponent). */
  component: string;
  /** The node or instance (source.host, reportingInstance). */
  host?: string;
  clock?: Clock;
  log?: Log;
  /** Aggregation window; default 10 minutes. */
  windowMs?: number;
  /** How many aggregation entries to remember; default 4096. */
  maxEntries?: number;
}

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void>;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
  lastMs: number;
}

/** RFC 3339 to the second, as metav1.Time is written. */
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const silent: Log = { error() {}, warn() {}, info() {}, debug() {} };

export function createEventRecorder(opts: EventRecorderOptions): EventRecorder {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? silent;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  const maxEntries = opts.maxEntries ?? 4096;
  const seen = new Map<string, Seen>();
  /** Per aggregation key, the write in progress: writes for one key go one after another. */
  const chains = new Map<string, Promise<void>>();
  let seq = 0;

  function nameFor(obj: KubeObject, now: Date): string {
    // <object name>.<hex of a nanosecond timestamp>, unique within this process by a sequence.
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(seq++ % 1_000_000);
    return `${obj.metadata?.name ?? 'unknown'}.${nanos.toString(16)}`;
  }

  async function write(key: string, obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = clock.now();
    const ts = rfc3339(now);
    const prev = seen.get(key);
    const within = prev !== undefined && now.getTime() - prev.lastMs <= windowMs;
    if (prev && within) {
      prev.count++;
      prev.lastMs = now.getTime();
      try {
        await opts.client.patch(EVENTS, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // The Event was deleted (or expired): write a new one that keeps the count.
      }
    }
    const meta = obj.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const entry: Seen = { name: nameFor(obj, now), namespace, count: prev && within ? prev.count : 1, first: prev && within ? prev.first : ts, lastMs: now.getTime() };
    await opts.client.create(EVENTS, namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: entry.name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: opts.component, ...(opts.host ? { host: opts.host } : {}) },
      firstTimestamp: entry.first,
      lastTimestamp: ts,
      count: entry.count,
      reportingComponent: opts.component,
      reportingInstance: opts.host ?? '',
    });
    seen.delete(key);
    seen.set(key, entry);
    // Forget the oldest entries beyond the bound (Map iterates in insertion order).
    while (seen.size > maxEntries) seen.delete(seen.keys().next().value as string);
  }

  return {
    event(obj, type, reason, message) {
      const m = obj.metadata ?? {};
      const key = [obj.apiVersion, obj.kind, m.namespace, m.name, m.uid, type, reason, message].join('\u0000');
      const run = (chains.get(key) ?? Promise.resolve())
        .then(() => write(key, obj, type, reason, message))
        .catch((e) => log.warn('could not write event', { object: `${m.namespace ?? ''}/${m.name ?? ''}`, reason, err: e }));
      chains.set(key, run);
      void run.then(() => {
        if (chains.get(key) === run) chains.delete(key);
      });
    },
    async flush() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
