// One Limited priority level: a concurrency limit (its share of the server's), and when every
// seat is taken, queues. A flow is shuffle-sharded onto `handSize` of the `queues` (dealt from
// a hash of the flow) and waits in the shortest of its hand; a full queue, a level without
// queues (Reject) or a wait beyond the queue timeout is a rejection. Freed seats go to the
// queues in turn (round robin), so one flow cannot take every seat while another waits.
// A request takes the seats of its work estimate: it starts when that many are free (a request
// wider than the whole limit when nothing runs, as upstream), and a queue's head that does not
// fit yet holds the dispatch until seats free. A write's final seats stay taken for its
// additional latency after it finished.

import { createHash } from 'node:crypto';
import { maxSeatsOf, ONE_SEAT, type WorkEstimate } from './work-estimate.ts';

export interface Queuing {
  queues: number;
  handSize: number;
  queueLengthLimit: number;
}

interface Waiter {
  seats: number;
  admit(): void;
  reject(): void;
}

export type Admission = { ok: true; release(): void } | { ok: false; reason: 'queue-full' | 'time-out' | 'reject' };

export class PriorityLevel {
  executing = 0;
  /** Seats taken by the requests executing (and by finished writes during their additional latency). */
  seatsInUse = 0;
  dispatched = 0;
  rejected = 0;
  timedOut = 0;
  private queues: Waiter[][];
  private next = 0;

  constructor(
    readonly name: string,
    readonly uid: string,
    public limit: number,
    public queuing: Queuing | undefined,
    private readonly queueTimeoutMs: number,
  ) {
    this.queues = Array.from({ length: queuing?.queues ?? 0 }, () => []);
  }

  /** Follows a changed configuration; requests already queued stay where they are. */
  reconfigure(uid: string, limit: number, queuing: Queuing | undefined): void {
    (this as { uid: string }).uid = uid;
    this.limit = limit;
    this.queuing = queuing;
    const n = queuing?.queues ?? 0;
    while (this.queues.length < n) this.queues.push([]);
    this.dispatchWaiting();
  }

  waiting(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }

  queueLengths(): number[] {
    return this.queues.map((q) => q.length);
  }

  /** Whether `seats` more can start now. */
  private fits(seats: number): boolean {
    if (seats > this.limit) return this.executing === 0;
    return this.seatsInUse + seats <= this.limit;
  }

  admit(flow: string, work: WorkEstimate = ONE_SEAT): Promise<Admission> {
    if (this.waiting() === 0 && this.fits(maxSeatsOf(work))) return Promise.resolve(this.seat(work));
    const q = this.queuing;
    if (!q || q.queues === 0) {
      this.rejected++;
      return Promise.resolve({ ok: false, reason: 'reject' });
    }
    const queue = this.queues[this.pick(flow, q)];
    if (queue.length >= q.queueLengthLimit) {
      this.rejected++;
      return Promise.resolve({ ok: false, reason: 'queue-full' });
    }
    return new Promise<Admission>((resolve) => {
      const timer = setTimeout(() => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        this.timedOut++;
        this.rejected++;
        resolve({ ok: false, reason: 'time-out' });
        this.dispatchWaiting(); // it may have been the head that did not fit
      }, this.queueTimeoutMs);
      const waiter: Waiter = {
        seats: maxSeatsOf(work),
        admit: () => {
          clearTimeout(timer);
          resolve(this.seat(work));
        },
        reject: () => {
          clearTimeout(timer);
          resolve({ ok: false, reason: 'reject' });
        },
      };
      queue.push(waiter);
    });
  }

  private seat(work: WorkEstimate): Admission {
    this.executing++;
    this.dispatched++;
    this.seatsInUse += work.initialSeats;
    let done = false;
    return {
      ok: true,
      release: () => {
        if (done) return;
        done = true;
        this.seatsInUse -= work.initialSeats;
        if (work.finalSeats > 0 && work.additionalLatencyMs > 0) {
          this.seatsInUse += work.finalSeats;
          setTimeout(() => {
            this.seatsInUse -= work.finalSeats;
            this.executing--;
            this.dispatchWaiting();
          }, work.additionalLatencyMs).unref();
          return;
        }
        this.executing--;
        this.dispatchWaiting();
      },
    };
  }

  /** Starts waiting requests, the queues in turn, while the next one's seats are free. */
  private dispatchWaiting(): void {
    while (this.waiting() > 0) {
      let i = 0;
      while (!this.queues[(this.next + i) % this.queues.length].length) i++;
      const at = (this.next + i) % this.queues.length;
      const head = this.queues[at][0];
      if (!this.fits(head.seats)) return;
      this.next = (at + 1) % this.queues.length;
      this.queues[at].shift()!.admit();
    }
  }

  /** Shuffle sharding: the flow's hand of queues, dealt from its hash; the shortest one. */
  private pick(flow: string, q: Queuing): number {
    const digest = createHash('sha256').update(flow).digest();
    let value = digest.readBigUInt64BE(0);
    const hand: number[] = [];
    const deck = Array.from({ length: q.queues }, (_, i) => i);
    for (let i = 0; i < Math.min(q.handSize, q.queues); i++) {
      const left = BigInt(deck.length - i);
      const j = i + Number(value % left);
      value /= left;
      [deck[i], deck[j]] = [deck[j], deck[i]];
      hand.push(deck[i]);
    }
    return hand.reduce((best, i) => (this.queues[i].length < this.queues[best].length ? i : best), hand[0]);
  }
}
