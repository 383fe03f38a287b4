// Rate limiters for the work queue: how long a key waits before it is re-added. The default
// is the larger of a per-key exponential backoff (5 ms doubling to 1000 s) and an overall
// token bucket (10 qps, burst 100), as controllers upstream use.

import type { Clock } from './types.ts';
import { TokenBucket } from './token-bucket.ts';

export interface RateLimiter<K> {
  /** The delay in ms for this key's next retry (and counts it as a retry). */
  when(key: K): number;
  forget(key: K): void;
  numRequeues(key: K): number;
}

/** base * 2^failures, capped at max; per key, reset by forget. */
export function exponentialFailureRateLimiter<K>(baseMs = 5, maxMs = 1000_000): RateLimiter<K> {
  const failures = new Map<K, number>();
  return {
    when(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      // 2^n overflows to Infinity for large n; the cap still holds.
      return Math.min(baseMs * 2 ** n, maxMs);
    },
    forget: (key) => void failures.delete(key),
    numRequeues: (key) => failures.get(key) ?? 0,
  };
}

/** One bucket for all keys: bounds the overall retry rate. Keeps no per-key state. */
export function bucketRateLimiter<K>(qps = 10, burst = 100, clock?: Clock): RateLimiter<K> {
  const bucket = new TokenBucket(qps, burst, clock ? () => clock.now().getTime() : () => Date.now());
  return { when: () => bucket.reserve(), forget: () => {}, numRequeues: () => 0 };
}

/** The worst (longest) of several limiters. */
export function maxOfRateLimiter<K>(...limiters: RateLimiter<K>[]): RateLimiter<K> {
  return {
    when: (key) => limiters.reduce((m, l) => Math.max(m, l.when(key)), 0),
    forget: (key) => limiters.forEach((l) => l.forget(key)),
    numRequeues: (key) => limiters.reduce((m, l) => Math.max(m, l.numRequeues(key)), 0),
  };
}

export function defaultControllerRateLimiter<K>(clock?: Clock): RateLimiter<K> {
  return maxOfRateLimiter<K>(exponentialFailureRateLimiter<K>(5, 1000_000), bucketRateLimiter<K>(10, 100, clock));
}
