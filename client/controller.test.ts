import test from 'ava';
import { FakeClock } from '../testing/fake-clock.ts';
import { runController } from './controller.ts';
import { createWorkQueue } from './workqueue.ts';
import { TerminalError, type Log, type Result } from './types.ts';

const tick = () => new Promise((r) => setImmediate(r));

function memLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  return { lines, error: put('error'), warn: put('warn'), info: put('info'), debug: put('debug') };
}

// What one reconcile outcome does to the key: runs seen, requeue count, whether it comes back.
const outcomes: Array<{ name: string; outcome: () => Promise<Result | void>; advanceMs: number; wantRuns: number; wantRequeues: number }> = [
  { name: 'success forgets', outcome: async () => ({}), advanceMs: 10_000, wantRuns: 1, wantRequeues: 0 },
  { name: 'requeueAfterMs runs again later', outcome: async () => ({ requeueAfterMs: 1000 }), advanceMs: 1000, wantRuns: 2, wantRequeues: 0 },
  { name: 'error backs off (5 ms, 10 ms, ...)', outcome: async () => Promise.reject(new Error('boom')), advanceMs: 15, wantRuns: 3, wantRequeues: 3 },
  { name: 'TerminalError is not retried', outcome: async () => Promise.reject(new TerminalError('bad spec')), advanceMs: 10_000, wantRuns: 1, wantRequeues: 0 },
];

for (const c of outcomes) {
  test(`controller: ${c.name}`, async (t) => {
    const clock = new FakeClock(Date.UTC(2024, 0, 1));
    const queue = createWorkQueue<string>({ clock });
    let runs = 0;
    const log = memLog();
    const running = runController({ name: 'test', workers: 2, queue, log, reconcile: () => (runs++, c.outcome()) });
    queue.add('ns/a');
    await tick();
    for (let i = 0; i < c.advanceMs; i++) {
      clock.advance(1);
      await tick();
    }
    t.is(runs, c.wantRuns);
    t.is(queue.numRequeues('ns/a'), c.wantRequeues);
    queue.shutDown();
    await running;
    if (c.name.startsWith('TerminalError')) t.true(log.lines.some((l) => l.startsWith('error reconcile failed for good')));
  });
}

test('controller: one key is never reconciled concurrently; re-adds merge into one rerun', async (t) => {
  const queue = createWorkQueue<string>();
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const release: Array<() => void> = [];
  const running = runController({
    name: 'test',
    workers: 4,
    queue,
    log: memLog(),
    reconcile: async () => {
      runs++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((r) => release.push(r));
      active--;
    },
  });
  queue.add('k');
  await tick();
  for (let i = 0; i < 10; i++) queue.add('k');
  await tick();
  t.is(runs, 1);
  release.shift()!();
  await tick();
  await tick();
  t.is(runs, 2, 'the ten adds while in flight became one rerun');
  release.shift()!();
  await tick();
  t.is(maxActive, 1);
  queue.shutDown();
  await running;
});

test('controller: aborting the signal stops the workers after in-flight work', async (t) => {
  const queue = createWorkQueue<string>();
  const ac = new AbortController();
  let finished = 0;
  const running = runController({
    name: 'test',
    workers: 3,
    queue,
    log: memLog(),
    signal: ac.signal,
    reconcile: async () => {
      await new Promise((r) => setTimeout(r, 20));
      finished++;
    },
  });
  queue.add('a');
  queue.add('b');
  await tick();
  ac.abort();
  await running;
  t.is(finished, 2, 'in-flight reconciles completed');
  t.true(queue.shuttingDown());
});
