// One Limited priority level: a concurrency limit (its share of the server's), and when every
// seat is taken, queues served by upstream's fair queuing for server requests (KEP-1040):
// - a flow is shuffle-sharded onto `handSize` of the `queues` (dealt from a hash of the flow)
//   and joins the one of its hand with the least work waiting;
// - virtual time R (seat-seconds) advances at min(seats asked for, limit) / active queues per
//   second; a queue's next dispatch R grows by each dispatched request's work (its seats times
//   an estimated 3 s, plus its final seats times their additional latency) and is corrected by
//   the real service time when the request finishes; a queue that was idle starts at R now;
// - a freed seat goes to the queue whose head would finish first in virtual time (round robin
//   among ties), so a flow that sends more gets no more than its share while others wait;
// - a full queue (with every seat taken), a level without queues (Reject) or a wait beyond the
//   queue timeout is a rejection.
// A request takes the seats of its work estimate (the larger of its initial and final seats)
// from dispatch until its additional latency after it finished has passed; it starts when that
// many are free (a request wider than the whole limit when nothing runs, as upstream), and a
// head that does not fit yet holds the dispatch until seats free.

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { maxSeatsOf, ONE_SEAT, type WorkEstimate } from './work-estimate.ts';

export interface Queuing {
  queues: number;
  handSize: number;
  queueLengthLimit: number;
}

/** Upstream's estimated service duration G: the work a request is charged at dispatch, per seat. */
const ESTIMATED_SERVICE_S = 3;

interface Waiter {
  initialSeats: number;
  maxSeats: number;
  /** Seat-seconds: initial seats x G + final seats x additional latency. */
  work: number;
  arrivalR: number;
  admit(): void;
}

class Queue {
  waiting: Waiter[] = [];
  executing = 0;
  seatsInUse = 0;
  nextDispatchR = 0;
  idle(): boolean {
    return this.waiting.length === 0 && this.executing === 0 && this.seatsInUse === 0;
  }
  sum(f: (w: Waiter) => number): number {
    return this.waiting.reduce((n, w) => n + f(w), 0);
  }
}

export interface QueueDump {
  pending: number;
  executing: number;
  seatsInUse: number;
  nextDispatchR: number;
  initialSeatsSum: number;
  maxSeatsSum: number;
  totalWorkSum: number;
}

export type Admission = { ok: true; release(): void } | { ok: false; reason: 'queue-full' | 'time-out' | 'reject' };

export class PriorityLevel {
  executing = 0;
  /** Seats taken by the requests executing (and by finished writes during their additional latency). */
  seatsInUse = 0;
  dispatched = 0;
  rejected = 0;
  timedOut = 0;
  private queues: Queue[];
  private robin = -1;
  private enqueues = 0;
  /** Virtual time, seat-seconds, as of `rAt` (ms of `now`). */
  private r = 0;
  private rAt: number;
  /** Each flow's hand of queues (a hash and a deal per request otherwise). */
  private readonly hands = new Map<string, number[]>();

  constructor(
    readonly name: string,
    readonly uid: string,
    public limit: number,
    public queuing: Queuing | undefined,
    private readonly queueTimeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.queues = Array.from({ length: queuing?.queues ?? 0 }, () => new Queue());
    this.rAt = now();
  }

  /** Follows a changed configuration; requests already queued stay where they are (idle surplus queues go). */
  reconfigure(uid: string, limit: number, queuing: Queuing | undefined): void {
    this.syncTime();
    (this as { uid: string }).uid = uid;
    this.limit = limit;
    this.queuing = queuing;
    const n = queuing?.queues ?? 0;
    while (this.queues.length < n) this.queues.push(new Queue());
    while (this.queues.length > n && this.queues[this.queues.length - 1].idle()) this.queues.pop();
    this.robin = Math.min(this.robin, this.queues.length - 1);
    this.dispatchWaiting();
  }

  waiting(): number {
    return this.queues.reduce((n, q) => n + q.waiting.length, 0);
  }

  queueLengths(): number[] {
    return this.queues.map((q) => q.waiting.length);
  }

  dumpQueues(): QueueDump[] {
    return this.queues.map((q) => ({
      pending: q.waiting.length,
      executing: q.executing,
      seatsInUse: q.seatsInUse,
      nextDispatchR: q.nextDispatchR,
      initialSeatsSum: q.sum((w) => w.initialSeats),
      maxSeatsSum: q.sum((w) => w.maxSeats),
      totalWorkSum: q.sum((w) => w.work),
    }));
  }

  /** Whether `seats` more can start now. */
  private fits(seats: number): boolean {
    if (seats > this.limit) return this.executing === 0;
    return this.seatsInUse + seats <= this.limit;
  }

  /** Advances virtual time to now at the rate the state since the last change gave it. */
  private syncTime(): void {
    const t = this.now();
    let active = 0;
    let asked = 0;
    // A plain loop: this runs several times per request over every queue (128 for most levels).
    for (const q of this.queues) {
      asked += q.seatsInUse;
      for (const w of q.waiting) asked += w.maxSeats;
      if (q.waiting.length > 0 || q.executing > 0) active++;
    }
    if (active > 0) this.r += ((t - this.rAt) / 1000) * (Math.min(asked, this.limit) / active);
    this.rAt = t;
  }

  admit(flow: string, work: WorkEstimate = ONE_SEAT): Promise<Admission> {
    const seats = maxSeatsOf(work);
    const q = this.queuing;
    if (!q || q.queues === 0 || this.queues.length === 0) {
      if (this.fits(seats)) return Promise.resolve(this.execute(work, undefined));
      this.rejected++;
      return Promise.resolve({ ok: false, reason: 'reject' });
    }
    this.syncTime();
    const queue = this.pick(flow, q);
    if (this.seatsInUse >= this.limit && queue.waiting.length >= q.queueLengthLimit) {
      this.rejected++;
      return Promise.resolve({ ok: false, reason: 'queue-full' });
    }
    if (queue.idle()) queue.nextDispatchR = this.r;
    return new Promise<Admission>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        initialSeats: work.initialSeats,
        maxSeats: seats,
        work: work.initialSeats * ESTIMATED_SERVICE_S + work.finalSeats * (work.additionalLatencyMs / 1000),
        arrivalR: this.r,
        admit: () => {
          clearTimeout(timer);
          resolve(this.execute(work, queue));
        },
      };
      queue.waiting.push(waiter);
      this.dispatchWaiting();
      if (!queue.waiting.includes(waiter)) return;
      timer = setTimeout(() => {
        const i = queue.waiting.indexOf(waiter);
        if (i < 0) return;
        this.syncTime();
        queue.waiting.splice(i, 1);
        this.timedOut++;
        this.rejected++;
        resolve({ ok: false, reason: 'time-out' });
        this.dispatchWaiting(); // it may have been the head that did not fit
      }, this.queueTimeoutMs);
    });
  }

  private execute(work: WorkEstimate, queue: Queue | undefined): Admission {
    const seats = maxSeatsOf(work);
    const started = this.now();
    this.executing++;
    this.dispatched++;
    this.seatsInUse += seats;
    if (queue) {
      queue.executing++;
      queue.seatsInUse += seats;
    }
    let done = false;
    const free = () => {
      this.seatsInUse -= seats;
      if (queue) queue.seatsInUse -= seats;
      this.dispatchWaiting();
    };
    return {
      ok: true,
      release: () => {
        if (done) return;
        done = true;
        this.syncTime();
        this.executing--;
        if (queue) {
          queue.executing--;
          // Charged G per seat at dispatch: corrected by the time it really took.
          queue.nextDispatchR -= work.initialSeats * (ESTIMATED_SERVICE_S - (this.now() - started) / 1000);
          this.bound(queue);
        }
        if (work.additionalLatencyMs > 0) {
          setTimeout(() => {
            this.syncTime();
            free();
          }, work.additionalLatencyMs).unref();
          return;
        }
        free();
      },
    };
  }

  /** Starts waiting requests while seats are free: each time the head that finishes first in virtual time. */
  private dispatchWaiting(): void {
    const n = this.queues.length;
    while (n > 0 && this.seatsInUse < this.limit) {
      let best = -1;
      let bestFinish = Infinity;
      for (let k = 1; k <= n; k++) {
        const i = (this.robin + k) % n;
        const head = this.queues[i].waiting[0];
        if (!head) continue;
        const finish = this.queues[i].nextDispatchR + head.work;
        if (finish < bestFinish) {
          bestFinish = finish;
          best = i;
        }
      }
      if (best < 0) return;
      const queue = this.queues[best];
      const head = queue.waiting[0];
      if (!this.fits(head.maxSeats)) return;
      queue.waiting.shift();
      this.robin = best;
      queue.nextDispatchR += head.work;
      this.bound(queue);
      head.admit();
    }
  }

  /** Upstream's anti-windup: a queue's virtual dispatch never precedes its head's arrival. */
  private bound(queue: Queue): void {
    const head = queue.waiting[0];
    if (head && queue.nextDispatchR < head.arrivalR) queue.nextDispatchR = head.arrivalR;
  }

  /** Shuffle sharding: the flow's hand of queues, dealt from its hash; the one with the least work waiting. */
  private pick(flow: string, q: Queuing): Queue {
    const n = Math.min(q.queues, this.queues.length);
    const handKey = `${n}/${q.handSize}/${flow}`;
    let hand = this.hands.get(handKey);
    if (!hand) {
      hand = dealHand(flow, n, q.handSize);
      if (this.hands.size >= 4096) this.hands.clear();
      this.hands.set(handKey, hand);
    }
    // Visited from a rotating start, so that ties do not always go to the same queue.
    const offset = this.enqueues++ % hand.length;
    let best = hand[offset];
    for (let k = 1; k < hand.length; k++) {
      const i = hand[(offset + k) % hand.length];
      if (this.queues[i].sum((w) => w.work) < this.queues[best].sum((w) => w.work)) best = i;
    }
    return this.queues[best];
  }
}

/** The flow's hand: `handSize` distinct queues of `n`, dealt from its hash. */
export function dealHand(flow: string, n: number, handSize: number): number[] {
  let value = createHash('sha256').update(flow).digest().readBigUInt64BE(0);
  const hand: number[] = [];
  const deck = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < Math.min(handSize, n); i++) {
    const left = BigInt(deck.length - i);
    const j = i + Number(value % left);
    value /= left;
    [deck[i], deck[j]] = [deck[j], deck[i]];
    hand.push(deck[i]);
  }
  return hand;
}
