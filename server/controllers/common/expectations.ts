// Upstream's ControllerExpectations: after issuing N creates or deletes, a controller waits
// until its informer has seen them (or a TTL passed) before acting on the cache again, so a
// lagging cache cannot make it double-create or double-delete.

import type { Clock } from '../../../client/types.ts';

/** How long an unmet expectation may hold a controller back (upstream: 5 minutes). */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** Pod keys whose deletion we await (upstream's UIDTrackingControllerExpectations). */
  deleting: Set<string>;
  at: number;
}

export class Expectations {
  readonly #byKey = new Map<string, Expectation>();
  constructor(private readonly clock: Clock) {}

  /** Whether the controller may trust its cache for this key. */
  satisfied(key: string): boolean {
    const e = this.#byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now().getTime() - e.at > EXPECTATIONS_TTL_MS;
  }

  expectCreations(key: string, n: number): void {
    this.#byKey.set(key, { add: n, del: 0, deleting: new Set(), at: this.clock.now().getTime() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.#byKey.set(key, { add: 0, del: podKeys.length, deleting: new Set(podKeys), at: this.clock.now().getTime() });
  }

  creationObserved(key: string): void {
    const e = this.#byKey.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey?: string): void {
    const e = this.#byKey.get(key);
    if (!e) return;
    if (podKey !== undefined) {
      if (!e.deleting.delete(podKey)) return;
    }
    e.del--;
  }

  /** A create or delete that failed will never be observed: lower the count now. */
  lowerCreations(key: string, n = 1): void {
    const e = this.#byKey.get(key);
    if (e) e.add -= n;
  }

  lowerDeletions(key: string, podKey: string): void {
    this.deletionObserved(key, podKey);
  }

  forget(key: string): void {
    this.#byKey.delete(key);
  }
}
