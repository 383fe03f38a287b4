import test from 'ava';
import { FakeClock } from '../testing/fake-clock.ts';
import { bucketRateLimiter, exponentialFailureRateLimiter, maxOfRateLimiter } from './rate-limiters.ts';
import { createWorkQueue } from './workqueue.ts';

const tick = () => new Promise((r) => setImmediate(r));

// Each case: a script of queue operations on one queue, and what get() hands out.
type Op = ['add', string] | ['get', string | undefined] | ['done', string] | ['len', number] | ['shutDown'];
const scripts: Array<{ name: string; ops: Op[] }> = [
  { name: 'fifo order', ops: [['add', 'a'], ['add', 'b'], ['add', 'c'], ['get', 'a'], ['get', 'b'], ['get', 'c'], ['len', 0]] },
  { name: 'dedup of queued keys', ops: [['add', 'a'], ['add', 'b'], ['add', 'a'], ['len', 2], ['get', 'a'], ['get', 'b'], ['len', 0]] },
  {
    name: 're-add while processing reruns once, after done',
    ops: [['add', 'a'], ['get', 'a'], ['add', 'a'], ['add', 'a'], ['len', 0], ['done', 'a'], ['len', 1], ['get', 'a'], ['done', 'a'], ['len', 0]],
  },
  { name: 'done without re-add does not requeue', ops: [['add', 'a'], ['get', 'a'], ['done', 'a'], ['len', 0]] },
  { name: 'shutDown: get answers undefined, adds ignored', ops: [['add', 'a'], ['shutDown'], ['add', 'b'], ['get', undefined], ['len', 1]] },
];

for (const s of scripts) {
  test(`workqueue: ${s.name}`, async (t) => {
    const q = createWorkQueue<string>();
    for (const op of s.ops) {
      if (op[0] === 'add') q.add(op[1]);
      else if (op[0] === 'done') q.done(op[1]);
      else if (op[0] === 'shutDown') q.shutDown();
      else if (op[0] === 'len') t.is(q.len(), op[1], `len at ${JSON.stringify(op)}`);
      else t.is(await q.get(), op[1]);
    }
  });
}

test('workqueue: a key is never held by two workers at once', async (t) => {
  const q = createWorkQueue<string>();
  const holding = new Set<string>();
  let overlaps = 0;
  let runs = 0;
  const worker = async () => {
    for (;;) {
      const k = await q.get();
      if (k === undefined) return;
      if (holding.has(k)) overlaps++;
      holding.add(k);
      runs++;
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      holding.delete(k);
      q.done(k);
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  for (let i = 0; i < 400; i++) {
    q.add(`k${i % 5}`);
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await q.shutDownWithDrain();
  await Promise.all(workers);
  t.is(overlaps, 0);
  t.true(runs >= 5 && runs <= 400, `runs ${runs}`);
});

test('workqueue: waiting workers are woken by add; shutDown wakes them with undefined', async (t) => {
  const q = createWorkQueue<string>();
  const a = q.get();
  const b = q.get();
  q.add('x');
  t.is(await a, 'x');
  q.shutDown();
  t.is(await b, undefined);
  t.true(q.shuttingDown());
});

test('workqueue: shutDownWithDrain hands out what is queued and waits for in-flight keys', async (t) => {
  const q = createWorkQueue<string>();
  q.add('a');
  q.add('b');
  t.is(await q.get(), 'a');
  q.add('a'); // dirty while in flight: one more run during the drain
  let drained = false;
  const d = q.shutDownWithDrain().then(() => (drained = true));
  q.add('c'); // ignored
  t.is(await q.get(), 'b');
  q.done('b');
  await tick();
  t.false(drained, 'a is still in flight');
  q.done('a');
  t.is(await q.get(), 'a');
  t.false(drained);
  q.done('a');
  await d;
  t.is(await q.get(), undefined);
});

test('workqueue: addAfter waits on the clock and keeps the earliest time per key', async (t) => {
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  const q = createWorkQueue<string>({ clock });
  const cases: Array<[string, number]> = [['a', 100], ['a', 50], ['a', 200], ['b', 0]];
  for (const [k, ms] of cases) q.addAfter(k, ms);
  t.is(q.len(), 1, 'b (0 ms) is added at once');
  t.is(await q.get(), 'b');
  clock.advance(49);
  t.is(q.len(), 0);
  clock.advance(1);
  t.is(q.len(), 1, 'a at 50 ms, the earliest');
  t.is(await q.get(), 'a');
  q.done('a');
  clock.advance(500);
  t.is(q.len(), 0, 'the later schedules for a were merged away');
  q.addAfter('c', 10);
  q.shutDown();
  t.is(clock.pending(), 0, 'shutDown cancels pending timers');
});

const backoffCases: Array<{ name: string; base: number; max: number; want: number[] }> = [
  { name: 'doubles from 5 ms', base: 5, max: 1000_000, want: [5, 10, 20, 40, 80, 160] },
  { name: 'capped at max', base: 100, max: 500, want: [100, 200, 400, 500, 500] },
];
for (const c of backoffCases) {
  test(`rate limiter: exponential backoff ${c.name}`, (t) => {
    const rl = exponentialFailureRateLimiter<string>(c.base, c.max);
    t.deepEqual(c.want.map(() => rl.when('k')), c.want);
    t.is(rl.numRequeues('k'), c.want.length);
    t.is(rl.when('other'), c.base, 'per key');
    rl.forget('k');
    t.is(rl.numRequeues('k'), 0);
    t.is(rl.when('k'), c.base);
  });
}

test('rate limiter: exponential backoff never exceeds 1000 s even after very many failures', (t) => {
  const rl = exponentialFailureRateLimiter<string>();
  let last = 0;
  for (let i = 0; i < 2000; i++) last = rl.when('k');
  t.is(last, 1000_000);
});

test('rate limiter: the bucket allows a burst, then 10 per second; max-of takes the larger', (t) => {
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  const bucket = bucketRateLimiter<string>(10, 100, clock);
  const delays = Array.from({ length: 102 }, (_, i) => bucket.when(`k${i}`));
  t.deepEqual(delays.slice(0, 100), Array(100).fill(0));
  t.deepEqual(delays.slice(100), [100, 200]);
  clock.advance(1000);
  t.is(bucket.when('x'), 0, 'refilled after a second');

  const both = maxOfRateLimiter<string>(exponentialFailureRateLimiter<string>(5, 1000_000), bucketRateLimiter<string>(10, 1, new FakeClock(Date.UTC(2024, 0, 1))));
  t.is(both.when('a'), 5, 'backoff larger than the (available) bucket');
  t.is(both.when('b'), 100, 'bucket larger than the first backoff');
  t.is(both.numRequeues('a'), 1);
});

test('workqueue: addRateLimited backs off per key until forget', (t) => {
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  const q = createWorkQueue<string>({ clock });
  q.addRateLimited('k');
  t.is(q.numRequeues('k'), 1);
  clock.advance(4);
  t.is(q.len(), 0);
  clock.advance(1);
  t.is(q.len(), 1, 'first retry after 5 ms');
  q.addRateLimited('k'); // already queued: the add merges
  q.addRateLimited('k');
  t.is(q.numRequeues('k'), 3);
  q.forget('k');
  t.is(q.numRequeues('k'), 0);
});
