// Upstream's container restart back-off: 10 s after the first failure, doubling to 5 min,
// counted from when the last run finished. While it waits the container is CrashLoopBackOff.

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;

export class RestartBackoff {
  private readonly delay = new Map<string, number>();

  /**
   * Whether `key`, last finished at finishedMs, may restart now: waitMs 0 (and the next delay
   * doubles), or how long is left of delayMs.
   */
  next(key: string, finishedMs: number, nowMs: number): { waitMs: number; delayMs: number } {
    const d = this.delay.get(key);
    if (d !== undefined && nowMs - finishedMs < d) return { waitMs: finishedMs + d - nowMs, delayMs: d };
    const delayMs = d === undefined ? BACKOFF_INITIAL_MS : Math.min(d * 2, BACKOFF_MAX_MS);
    this.delay.set(key, delayMs);
    return { waitMs: 0, delayMs };
  }

  /** A new definition of the container starts with no back-off (upstream keys it by the container's hash). */
  forget(key: string): void {
    this.delay.delete(key);
  }
}
