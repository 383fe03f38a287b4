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
