// The rate-limited work queue controllers run on, keeping client-go's invariants:
//   queue       keys in the order they will be handed out (each at most once)
//   dirty       keys that need processing (queued, or re-added while in flight)
//   processing  keys a worker holds right now
// A key is never handed to two workers at once: an add while it is in flight only marks it
// dirty, and done() puts it back in the queue. Many adds before a worker gets to a key merge
// into one. addAfter keeps, per key, only the earliest pending time.
// Shutting down: adds are ignored from then on. shutDown() answers every get() with undefined
// at once (what a loop that lost its lease wants); shutDownWithDrain() keeps handing out what
// is already queued and resolves when nothing is queued or in flight.

import type { Clock, WorkQueue } from './types.ts';
import { systemClock } from './clock.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.ts';

export interface WorkQueueOptions<K> {
  clock?: Clock;
  /** Default: the max of per-key exponential backoff (5 ms..1000 s) and a 10 qps / 100 burst bucket. */
  rateLimiter?: RateLimiter<K>;
  name?: string;
}

export function createWorkQueue<K = string>(opts: WorkQueueOptions<K> = {}): WorkQueue<K> {
  return new RateLimitedQueue<K>(opts);
}

class RateLimitedQueue<K> implements WorkQueue<K> {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;
  private items: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private waiters: Array<(k: K | undefined) => void> = [];
  /** addAfter: per key, when it is due and the timer that will add it. */
  private readonly waiting = new Map<K, { at: number; timer: { cancel(): void } }>();
  private shutting = false;
  private draining = false;
  private drained: Array<() => void> = [];

  constructor(opts: WorkQueueOptions<K>) {
    this.clock = opts.clock ?? systemClock;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  add(key: K): void {
    if (this.shutting || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // rerun after done()
    this.enqueue(key);
  }

  addAfter(key: K, ms: number): void {
    if (this.shutting) return;
    if (!(ms > 0)) return this.add(key);
    const at = this.clock.now().getTime() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return; // an earlier add is already scheduled
    pending?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  get(): Promise<K | undefined> {
    if (this.shutting && !this.draining) return Promise.resolve(undefined);
    if (this.head < this.items.length) return Promise.resolve(this.take());
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) this.enqueue(key);
    this.checkDrained();
  }

  shutDown(): void {
    this.shutting = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w(undefined);
    this.checkDrained();
  }

  shutDownWithDrain(): Promise<void> {
    const p = new Promise<void>((resolve) => this.drained.push(resolve));
    this.draining = true;
    this.shutDown();
    return p;
  }

  shuttingDown(): boolean {
    return this.shutting;
  }

  len(): number {
    return this.items.length - this.head;
  }

  /** A key becomes ready: straight to a waiting worker if there is one, else to the queue. */
  private enqueue(key: K): void {
    this.items.push(key);
    const w = this.waiters.shift();
    if (w) w(this.take());
  }

  private take(): K {
    const key = this.items[this.head++];
    // Reclaim the consumed front now and then instead of shifting on every get.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private checkDrained(): void {
    if (!this.shutting || this.processing.size > 0) return;
    if (this.draining && this.len() > 0) return;
    const ds = this.drained;
    this.drained = [];
    for (const d of ds) d();
  }
}
