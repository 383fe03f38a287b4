// One priority level's seats and queues: a request past the limit waits in its flow's queue,
// a full queue or a level without queues refuses at once, a freed seat goes to the queues in
// turn, and a wait longer than the queue timeout is refused.

import test from 'ava';
import { PriorityLevel } from './priority-level.ts';

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
  t.is(l.seatsInUse, 1);
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
