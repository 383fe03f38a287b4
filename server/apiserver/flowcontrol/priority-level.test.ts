// One priority level's seats and queues: a request past the limit waits in its flow's queue,
// a full queue or a level without queues refuses at once, a freed seat goes to the queues in
// turn, and a wait longer than the queue timeout is refused.

import test from 'ava';
import { dealHand, PriorityLevel } from './priority-level.ts';

test('past the limit requests queue; a full queue refuses; freed seats go to the queues in turn', async (t) => {
  const l = new PriorityLevel('p', 'uid', 1, { queues: 2, handSize: 1, queueLengthLimit: 2 }, 60_000);
  const first = await l.admit('a');
  t.true(first.ok);
  const queued = [l.admit('a'), l.admit('a')];
  const full = await l.admit('a');
  t.deepEqual(full, { ok: false, reason: 'queue-full' });
  t.is(l.waiting(), 2);
  let done = 0;
  for (const q of queued) void q.then(() => done++);
  await Promise.resolve();
  t.is(done, 0);
  if (first.ok) first.release();
  const second = await queued[0];
  t.true(second.ok);
  t.is(l.executing, 1);
  t.is(l.waiting(), 1);
  if (second.ok) second.release();
  const third = await queued[1];
  t.true(third.ok);
  if (third.ok) third.release();
  t.is(l.executing, 0);
  t.is(l.rejected, 1);
  t.is(l.dispatched, 3);
});

test('a level without queues refuses at once; a wait past the queue timeout is refused', async (t) => {
  const reject = new PriorityLevel('r', 'uid', 1, undefined, 60_000);
  const a = await reject.admit('x');
  t.true(a.ok);
  t.deepEqual(await reject.admit('x'), { ok: false, reason: 'reject' });
  const timed = new PriorityLevel('t', 'uid', 1, { queues: 1, handSize: 1, queueLengthLimit: 5 }, 50);
  const held = await timed.admit('x');
  t.true(held.ok);
  t.deepEqual(await timed.admit('x'), { ok: false, reason: 'time-out' });
  t.is(timed.timedOut, 1);
  t.is(timed.waiting(), 0);
});

const wide = (initialSeats: number, finalSeats = 0, additionalLatencyMs = 0) => ({ initialSeats, finalSeats, additionalLatencyMs });

test('a request takes its estimate of seats: a wide one waits for them, and holds the queue until it fits', async (t) => {
  const l = new PriorityLevel('w', 'uid', 4, { queues: 1, handSize: 1, queueLengthLimit: 10 }, 60_000);
  const a = await l.admit('f', wide(3));
  t.true(a.ok);
  t.is(l.seatsInUse, 3);
  const b = l.admit('f', wide(2)); // 3 + 2 > 4: waits
  const c = l.admit('f', wide(1)); // would fit, but waits behind b (first come, first served in a queue)
  await Promise.resolve();
  t.is(l.waiting(), 2);
  if (a.ok) a.release();
  const [rb, rc] = await Promise.all([b, c]);
  t.true(rb.ok && rc.ok);
  t.is(l.seatsInUse, 3);
  if (rb.ok) rb.release();
  if (rc.ok) rc.release();
  t.is(l.seatsInUse, 0);
  // Wider than the whole level: runs alone once nothing else does.
  const small = await l.admit('f', wide(1));
  const huge = l.admit('f', wide(9));
  await Promise.resolve();
  t.is(l.waiting(), 1);
  if (small.ok) small.release();
  const h = await huge;
  t.true(h.ok);
  t.is(l.seatsInUse, 9);
  if (h.ok) h.release();
  t.is(l.seatsInUse, 0);
});

test("a write's final seats stay taken for its additional latency after it finished", async (t) => {
  const l = new PriorityLevel('m', 'uid', 3, { queues: 1, handSize: 1, queueLengthLimit: 10 }, 60_000);
  const w = await l.admit('f', wide(1, 3, 30));
  t.true(w.ok);
  t.is(l.seatsInUse, 3, 'the larger of its initial and final seats, from the start (upstream)');
  if (w.ok) w.release();
  t.is(l.seatsInUse, 3);
  let started = false;
  const next = l.admit('f', wide(1)).then((r) => ((started = true), r));
  await new Promise((r) => setTimeout(r, 5));
  t.false(started, 'the fan-out still holds every seat');
  const r = await next;
  t.true(r.ok);
  t.is(l.seatsInUse, 1);
  t.is(l.executing, 1);
});

test('fair queuing: a freed seat goes to the queue whose head finishes first in virtual time, so a flow whose requests ran long waits behind one whose did not', async (t) => {
  let now = 0;
  const l = new PriorityLevel('fq', 'uid', 1, { queues: 2, handSize: 1, queueLengthLimit: 10 }, 600_000, () => now);
  // Two flows on different queues.
  const fa = 'flow-a';
  const fb = ['flow-b', 'flow-c', 'flow-d', 'flow-e', 'flow-f'].find((f) => dealHand(f, 2, 1)[0] !== dealHand(fa, 2, 1)[0])!;
  const order: string[] = [];
  // The others take no time at all: each lets its seat go as soon as it has it.
  const run = (flow: string, name: string) =>
    l.admit(flow).then((a) => {
      order.push(name);
      if (a.ok) a.release();
    });
  const a1 = await l.admit(fa);
  order.push('a1');
  const waiting = [run(fa, 'a2'), run(fa, 'a3'), run(fb, 'b1'), run(fb, 'b2'), run(fb, 'b3')];
  t.deepEqual(l.dumpQueues().map((q) => q.pending).sort(), [2, 3]);
  // a1 holds the one seat for 10 s: its queue is charged the 7 s over the 3 s estimate.
  now += 10_000;
  if (a1.ok) a1.release();
  await Promise.all(waiting);
  t.deepEqual(order, ['a1', 'b1', 'b2', 'b3', 'a2', 'a3'], 'round robin would have given a1 b1 a2 b2 a3 b3');
  t.is(l.dispatched, 6);
  t.is(l.seatsInUse, 0);
});

test('fair queuing: each flow gets its share of the seats whatever it sends: 1 request of a light flow is served before the 20 queued by a heavy one', async (t) => {
  let now = 0;
  const l = new PriorityLevel('share', 'uid', 2, { queues: 8, handSize: 1, queueLengthLimit: 50 }, 600_000, () => now);
  const heavy = 'heavy';
  const light = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9'].find((f) => dealHand(f, 8, 1)[0] !== dealHand(heavy, 8, 1)[0])!;
  const running = [await l.admit(heavy), await l.admit(heavy)];
  const order: string[] = [];
  const served = (name: string) => (a: Awaited<ReturnType<typeof l.admit>>) => {
    order.push(name);
    if (a.ok) a.release();
  };
  const heavyOnes = Array.from({ length: 20 }, (_, i) => l.admit(heavy).then(served(`h${i}`)));
  now += 100;
  const lightOne = l.admit(light).then(served('light'));
  now += 100;
  for (const a of running) if (a.ok) a.release();
  await Promise.all([lightOne, ...heavyOnes]);
  t.is(order.length, 21);
  t.true(order.indexOf('light') <= 1, `served among the first, not after the heavy flow's queue: ${order.join(' ')}`);
});

test('dumpQueues: pending, executing and seats per queue, virtual dispatch time and the sums of what waits', async (t) => {
  const now = 0;
  const l = new PriorityLevel('d', 'uid', 1, { queues: 1, handSize: 1, queueLengthLimit: 10 }, 600_000, () => now);
  const a = await l.admit('f');
  void l.admit('f', wide(2, 4, 500));
  const [q] = l.dumpQueues();
  t.deepEqual(q, { pending: 1, executing: 1, seatsInUse: 1, nextDispatchR: 3, initialSeatsSum: 2, maxSeatsSum: 4, totalWorkSum: 2 * 3 + 4 * 0.5 });
  if (a.ok) a.release();
});
