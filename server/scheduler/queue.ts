// The scheduling queue, as upstream's PriorityQueue: activeQ (highest priority first, then the
// longest waiting), backoffQ (per-pod exponential backoff, 1 s doubling to 10 s), and the
// unschedulable pods parked until a cluster event that a rejecting plugin registered for, or
// until they have waited 5 minutes.

import type { Clock } from '../../client/types.ts';
import { KeyedHeap } from './heap.ts';
import { newPodInfo, podKey, updatePodInfo } from './resources.ts';
import type { ClusterEvent, Pod, PodInfo } from './types.ts';

export interface QueuedPodInfo {
  info: PodInfo;
  /** When the pod entered the queue (ms); orders pods of equal priority. */
  timestamp: number;
  attempts: number;
  /** Plugins that rejected it in the last attempt. */
  rejectors: Set<string>;
  /** When the last attempt started (ms). */
  lastAttempt: number;
  /** The scheduling cycle it was popped in. */
  cycle: number;
}

export interface QueueOptions {
  clock: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  unschedulableTimeoutMs?: number;
  /** Whether an event can help a pod rejected by these plugins (the framework answers). */
  eventMayHelp?: (rejectors: Set<string>, ev: ClusterEvent) => boolean;
}

const FLUSH_UNSCHEDULABLE_EVERY_MS = 30_000;

/** Only what scheduling reads: a status-only update does not make a parked pod retry. */
function schedulingRelevant(pod: Pod): string {
  return JSON.stringify([pod.spec, pod.metadata?.labels, pod.metadata?.annotations]);
}

export class SchedulingQueue {
  readonly #clock: Clock;
  readonly #initial: number;
  readonly #max: number;
  readonly #timeout: number;
  readonly #mayHelp: (rejectors: Set<string>, ev: ClusterEvent) => boolean;
  readonly #active = new KeyedHeap<QueuedPodInfo>(
    (q) => q.info.key,
    (a, b) => (a.info.priority !== b.info.priority ? a.info.priority > b.info.priority : a.timestamp < b.timestamp),
  );
  readonly #backoff = new KeyedHeap<QueuedPodInfo>((q) => q.info.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  readonly #unschedulable = new Map<string, QueuedPodInfo>();
  /**
   * The same parked pods grouped by the plugins that rejected them, so that a cluster event
   * (every bound pod added or deleted is one) asks each group once, not each pod.
   */
  readonly #parkedBy = new Map<string, { rejectors: Set<string>; pods: Map<string, QueuedPodInfo> }>();
  readonly #inFlight = new Set<string>();
  #cycle = 0;
  #moveRequestCycle = -1;
  #waiters: Array<() => void> = [];
  #closed = false;
  #backoffTimer: { at: number; cancel(): void } | undefined;
  #flushTimer: { cancel(): void } | undefined;

  constructor(opts: QueueOptions) {
    this.#clock = opts.clock;
    this.#initial = opts.initialBackoffMs ?? 1000;
    this.#max = opts.maxBackoffMs ?? 10_000;
    this.#timeout = opts.unschedulableTimeoutMs ?? 300_000;
    this.#mayHelp = opts.eventMayHelp ?? (() => true);
    this.#armFlush();
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  backoffDuration(attempts: number): number {
    let d = this.#initial;
    for (let i = 1; i < attempts && d < this.#max; i++) d *= 2;
    return Math.min(d, this.#max);
  }

  backoffExpiry(q: QueuedPodInfo): number {
    return q.lastAttempt + this.backoffDuration(q.attempts);
  }

  /** Sizes, for tests and metrics. */
  counts(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.#active.size, backoff: this.#backoff.size, unschedulable: this.#unschedulable.size };
  }

  has(key: string): boolean {
    return this.#active.has(key) || this.#backoff.has(key) || this.#unschedulable.has(key) || this.#inFlight.has(key);
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const info = newPodInfo(pod);
    if (this.has(info.key)) return this.update(pod);
    this.#pushActive({ info, timestamp: this.#now(), attempts: 0, rejectors: new Set(), lastAttempt: 0, cycle: 0 });
  }

  /** A pending pod changed: refresh it where it waits; a parked pod retries if its spec changed. */
  update(pod: Pod): void {
    const key = podKey(pod);
    for (const heap of [this.#active, this.#backoff]) {
      const q = heap.get(key);
      if (q) return heap.push({ ...q, info: updatePodInfo(q.info, pod) });
    }
    const parked = this.#unschedulable.get(key);
    if (parked) {
      const changed = schedulingRelevant(parked.info.pod) !== schedulingRelevant(pod);
      const info = updatePodInfo(parked.info, pod);
      if (!changed) {
        parked.info = info;
        return;
      }
      this.#unpark(key);
      return this.#requeue({ ...parked, info });
    }
    if (!this.#inFlight.has(key)) this.add(pod);
  }

  delete(key: string): void {
    this.#active.delete(key);
    this.#backoff.delete(key);
    this.#unpark(key);
  }

  /** The next pod to schedule; waits while activeQ is empty, undefined once closed. */
  async pop(): Promise<QueuedPodInfo | undefined> {
    while (!this.#closed && this.#active.size === 0) await new Promise<void>((r) => this.#waiters.push(r));
    return this.tryPop();
  }

  tryPop(): QueuedPodInfo | undefined {
    if (this.#closed) return undefined;
    const q = this.#active.pop();
    if (!q) return undefined;
    this.#cycle++;
    q.cycle = this.#cycle;
    q.attempts++;
    q.lastAttempt = this.#now();
    this.#inFlight.add(q.info.key);
    return q;
  }

  /** The cycle finished (scheduled, or handed back below). */
  done(key: string): void {
    this.#inFlight.delete(key);
  }

  /** No node fit: park the pod, unless an event during its cycle may already have helped. */
  addUnschedulable(q: QueuedPodInfo, rejectors: Set<string>): void {
    this.#inFlight.delete(q.info.key);
    q.rejectors = rejectors;
    if (this.#moveRequestCycle >= q.cycle) this.#pushBackoff(q);
    else this.#park(q);
  }

  /** An error (not a rejection): retry after backoff. */
  addBackoff(q: QueuedPodInfo): void {
    this.#inFlight.delete(q.info.key);
    this.#pushBackoff(q);
  }

  /** A cluster event: parked pods whose rejecting plugins care about it move back. */
  moveAllOnEvent(ev: ClusterEvent): void {
    for (const [group, { rejectors, pods }] of this.#parkedBy) {
      if (!this.#mayHelp(rejectors, ev)) continue;
      this.#parkedBy.delete(group);
      for (const [key, q] of pods) {
        this.#unschedulable.delete(key);
        this.#requeue(q);
      }
    }
    this.#moveRequestCycle = this.#cycle;
  }

  /** Pods whose backoff is over go to activeQ. */
  flushBackoffCompleted(): void {
    const now = this.#now();
    for (let q = this.#backoff.peek(); q && this.backoffExpiry(q) <= now; q = this.#backoff.peek()) {
      this.#backoff.pop();
      this.#pushActive(q);
    }
    this.#armBackoff();
  }

  /** Pods parked longer than the timeout retry anyway. */
  flushUnschedulableLeftover(): void {
    const now = this.#now();
    for (const [key, q] of this.#unschedulable) {
      if (now - q.lastAttempt < this.#timeout) continue;
      this.#unpark(key);
      this.#requeue(q);
    }
  }

  #groupOf(rejectors: Set<string>): string {
    return [...rejectors].sort().join(',');
  }

  #park(q: QueuedPodInfo): void {
    this.#unpark(q.info.key);
    this.#unschedulable.set(q.info.key, q);
    const group = this.#groupOf(q.rejectors);
    let g = this.#parkedBy.get(group);
    if (!g) this.#parkedBy.set(group, (g = { rejectors: q.rejectors, pods: new Map() }));
    g.pods.set(q.info.key, q);
  }

  #unpark(key: string): void {
    const q = this.#unschedulable.get(key);
    if (!q) return;
    this.#unschedulable.delete(key);
    const group = this.#groupOf(q.rejectors);
    const g = this.#parkedBy.get(group);
    g?.pods.delete(key);
    if (g && g.pods.size === 0) this.#parkedBy.delete(group);
  }

  close(): void {
    this.#closed = true;
    this.#backoffTimer?.cancel();
    this.#flushTimer?.cancel();
    for (const w of this.#waiters.splice(0)) w();
  }

  #requeue(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.#now()) this.#pushBackoff(q);
    else this.#pushActive(q);
  }

  #pushActive(q: QueuedPodInfo): void {
    this.#active.push(q);
    const w = this.#waiters.shift();
    if (w) w();
  }

  #pushBackoff(q: QueuedPodInfo): void {
    this.#backoff.push(q);
    this.#armBackoff();
  }

  #armBackoff(): void {
    const top = this.#backoff.peek();
    if (!top || this.#closed) return;
    const at = this.backoffExpiry(top);
    if (this.#backoffTimer && this.#backoffTimer.at <= at) return;
    this.#backoffTimer?.cancel();
    const t = this.#clock.setTimeout(() => {
      this.#backoffTimer = undefined;
      this.flushBackoffCompleted();
    }, Math.max(0, at - this.#now()));
    this.#backoffTimer = { at, cancel: () => t.cancel() };
  }

  #armFlush(): void {
    if (this.#closed) return;
    this.#flushTimer = this.#clock.setTimeout(() => {
      this.flushUnschedulableLeftover();
      this.#armFlush();
    }, FLUSH_UNSCHEDULABLE_EVERY_MS);
  }
}
