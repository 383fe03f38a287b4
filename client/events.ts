// The event recorder: `recorder.event(obj, 'Normal' | 'Warning', reason, message)` writes a
// core/v1 Event about obj, in the background (a loop never waits on, or fails because of, an
// event). Each event first goes through a correlator that behaves as client-go's
// tools/record EventCorrelator does, so a busy controller writes a bounded number of Events:
//   aggregation  events about one object with the same type and reason but different
//                messages: from the 10th distinct message within 10 minutes of the previous
//                one, they become one Event "(combined from similar events): <latest message>"
//   counting     an event seen before (same key) patches count, lastTimestamp and message of
//                its Event instead of creating another
//   spam filter  per source and involved object a token bucket (burst 25, one more token per
//                5 minutes): events beyond it are dropped
// The caches are LRUs of 4096 entries each, as upstream's.

import { silentLog } from './log.ts';
import { rfc3339 } from '../api/meta/time.ts';
import type { KubeObject } from '../api/types.ts';
import type { Client, Clock, Log, ResourceRef } from './types.ts';
import { isNotFound } from './errors.ts';
import { systemClock } from './clock.ts';
import { TokenBucket } from './token-bucket.ts';

export const EVENTS: ResourceRef = { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true };

export type EventType = 'Normal' | 'Warning';

/** The message prefix of an aggregated Event (upstream's EventAggregatorByReasonMessageFunc). */
export const COMBINED_PREFIX = '(combined from similar events): ';

export interface EventRecorderOptions {
  client: Client;
  /** Who reports: the controller or scheduler name (source.component, reportingComponent). */
  component: string;
  /** The node or instance (source.host, reportingInstance). */
  host?: string;
  clock?: Clock;
  log?: Log;
  /** Aggregation window: a similar event later than this after the last starts afresh; default 10 minutes. */
  windowMs?: number;
  /** Distinct messages (same object, type, reason) within the window before they aggregate; default 10. */
  maxSimilarEvents?: number;
  /** Entries each correlation cache keeps (least recently used go first); default 4096. */
  maxEntries?: number;
  /** Events one source may write about one object at once; default 25. */
  spamBurst?: number;
  /** One more such event allowed every this many ms; default 5 minutes. */
  spamRefillMs?: number;
}

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void>;
}

/** A Map bounded to `max` entries, evicting the least recently used (get and set both use). */
class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.m.get(key);
    if (v !== undefined) {
      this.m.delete(key);
      this.m.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.m.delete(key);
    this.m.set(key, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as string);
  }
}

/** What the aggregator remembers per object+type+reason: the distinct messages seen lately. */
interface Similar {
  messages: Set<string>;
  lastMs: number;
}

/** What the event logger remembers per Event it wrote: where it is and how often it happened. */
interface Observed {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

/** One write the correlator decided on. */
interface Write {
  key: string;
  namespace: string;
  name: string;
  /** >1: patch the existing Event (create it again if it is gone). */
  count: number;
  first: string;
  last: string;
  message: string;
}

export function createEventRecorder(opts: EventRecorderOptions): EventRecorder {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? silentLog;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  const maxSimilar = opts.maxSimilarEvents ?? 10;
  const maxEntries = opts.maxEntries ?? 4096;
  const spamBurst = opts.spamBurst ?? 25;
  const spamQps = 1000 / (opts.spamRefillMs ?? 5 * 60_000);
  const host = opts.host ?? '';
  const similar = new Lru<Similar>(maxEntries);
  const observed = new Lru<Observed>(maxEntries);
  const spam = new Lru<TokenBucket>(maxEntries);
  const nowMs = () => clock.now().getTime();
  /** Per Event (correlation key), the write in progress: writes to one Event go one after another. */
  const chains = new Map<string, Promise<void>>();
  let seq = 0;

  function nameFor(obj: KubeObject, now: Date): string {
    // <object name>.<hex of a nanosecond timestamp>, unique within this process by a sequence.
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(seq++ % 1_000_000);
    return `${obj.metadata?.name ?? 'unknown'}.${nanos.toString(16)}`;
  }

  /** Aggregation, counting and the spam filter; undefined when the event is dropped. */
  function correlate(obj: KubeObject, type: EventType, reason: string, message: string): Write | undefined {
    const now = clock.now();
    const m = obj.metadata ?? {};
    const objectKey = [opts.component, host, obj.kind, m.namespace, m.name, m.uid, obj.apiVersion].join('\u0000');

    // Aggregation: the 10th distinct message (and every later one) for this object+type+reason
    // within the window goes to one combined Event instead of an Event of its own.
    const similarKey = `${objectKey}\u0000${type}\u0000${reason}`;
    let s = similar.get(similarKey);
    if (!s || now.getTime() - s.lastMs > windowMs) s = { messages: new Set(), lastMs: 0 };
    s.messages.add(message);
    s.lastMs = now.getTime();
    similar.set(similarKey, s);
    let key = `e\u0000${similarKey}\u0000${message}`;
    if (s.messages.size >= maxSimilar) {
      // Keep the set below the threshold, as upstream drops one (any one) of its keys.
      s.messages.delete(s.messages.values().next().value as string);
      key = `a\u0000${similarKey}`;
      message = COMBINED_PREFIX + message;
    }

    // Counting: an Event already written under this key is patched with the next count.
    const ts = rfc3339(now);
    const prev = observed.get(key);
    const o: Observed = prev
      ? { ...prev, count: prev.count + 1 }
      : { name: nameFor(obj, now), namespace: m.namespace || 'default', count: 1, first: ts };
    observed.set(key, o);

    // Spam filter, last (upstream counts an event the filter then drops).
    let bucket = spam.get(objectKey);
    if (!bucket) bucket = new TokenBucket(spamQps, spamBurst, nowMs);
    spam.set(objectKey, bucket);
    if (!bucket.tryTake()) return undefined;
    return { key, namespace: o.namespace, name: o.name, count: o.count, first: o.first, last: ts, message };
  }

  async function write(w: Write, obj: KubeObject, type: EventType, reason: string): Promise<void> {
    if (w.count > 1) {
      try {
        await opts.client.patch(EVENTS, w.namespace, w.name, 'strategic', { count: w.count, lastTimestamp: w.last, message: w.message }, { omitManagedFields: true });
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // The Event was deleted (or expired): write it again, keeping name and count.
      }
    }
    const meta = obj.metadata ?? {};
    await opts.client.create(EVENTS, w.namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: w.name, namespace: w.namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message: w.message,
      type,
      source: { component: opts.component, ...(opts.host ? { host: opts.host } : {}) },
      firstTimestamp: w.first,
      lastTimestamp: w.last,
      count: w.count,
      reportingComponent: opts.component,
      reportingInstance: host,
    }, { omitManagedFields: true });
  }

  return {
    event(obj, type, reason, message) {
      const w = correlate(obj, type, reason, message);
      if (!w) return;
      const m = obj.metadata ?? {};
      const run = (chains.get(w.key) ?? Promise.resolve())
        .then(() => write(w, obj, type, reason))
        .catch((e) => log.warn('could not write event', { object: `${m.namespace ?? ''}/${m.name ?? ''}`, reason, err: e }));
      chains.set(w.key, run);
      void run.then(() => {
        if (chains.get(w.key) === run) chains.delete(w.key);
      });
    },
    async flush() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
