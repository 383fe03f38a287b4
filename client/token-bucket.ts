// A token bucket with reservations (golang.org/x/time/rate's Reserve().Delay() behaviour):
// each take reserves one token now and says how long to wait for it. Used by the REST client
// (qps/burst), by the work queue's overall limiter, and (tryTake) by the event spam filter.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly nowMs: () => number,
  ) {
    this.tokens = burst;
    this.last = nowMs();
  }

  /** Reserves one token; the delay in ms before it may be used (0 when one was available). */
  reserve(): number {
    if (!(this.qps > 0) || !Number.isFinite(this.qps)) return 0;
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Takes one token if one is there now (client-go's TryAccept); never waits, never borrows. */
  tryTake(): boolean {
    if (!(this.qps > 0) || !Number.isFinite(this.qps)) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const now = this.nowMs();
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
      this.last = now;
    }
  }
}
