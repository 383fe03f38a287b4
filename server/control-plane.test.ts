import test from 'ava';
import { LeaderTerms } from './control-plane.ts';
import { silentLogger } from './log.ts';

/** A component whose start and stop finish only when the test says so; logs what happened. */
function component() {
  const log: string[] = [];
  const pending: { finishStart?: () => void; finishStop?: () => void } = {};
  let n = 0;
  const start = () => {
    const id = ++n;
    log.push(`start ${id}`);
    return new Promise<{ stop(): Promise<void> }>((resolve) => {
      pending.finishStart = () =>
        resolve({
          stop: () => {
            log.push(`stop ${id}`);
            return new Promise<void>((r) => (pending.finishStop = () => (log.push(`stopped ${id}`), r())));
          },
        });
    });
  };
  return { log, pending, start };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a lost term settles only once its component has fully stopped', async (t) => {
  const c = component();
  const terms = new LeaderTerms(c.start, silentLogger);
  const begun = terms.begin();
  c.pending.finishStart!();
  await begun;
  terms.end();
  let settled = false;
  void terms.settled().then(() => (settled = true));
  await tick();
  t.deepEqual(c.log, ['start 1', 'stop 1']);
  t.false(settled, 'the election loop must not run again while the old loops still stop');
  c.pending.finishStop!();
  await terms.settled();
  t.deepEqual(c.log, ['start 1', 'stop 1', 'stopped 1']);
});

test('a term lost while its component was still starting stops that component once started', async (t) => {
  const c = component();
  const terms = new LeaderTerms(c.start, silentLogger);
  const begun = terms.begin();
  terms.end();
  await tick();
  t.deepEqual(c.log, ['start 1'], 'nothing to stop until the start is done');
  c.pending.finishStart!();
  await begun;
  await tick();
  t.deepEqual(c.log, ['start 1', 'stop 1']);
  c.pending.finishStop!();
  await terms.settled();
  t.deepEqual(c.log, ['start 1', 'stop 1', 'stopped 1']);
  terms.end();
  await terms.settled();
  t.deepEqual(c.log, ['start 1', 'stop 1', 'stopped 1'], 'ending again stops nothing twice');
});

test('a start that failed leaves nothing to stop', async (t) => {
  const terms = new LeaderTerms(() => Promise.reject(new Error('no import')), silentLogger);
  await t.throwsAsync(terms.begin(), { message: 'no import' });
  terms.end();
  await t.notThrowsAsync(terms.settled());
});
