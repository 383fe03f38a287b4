import test from 'ava';
import { createLogger, formatLine, silentLogger } from './log.ts';

const at = () => new Date('2026-01-02T03:04:05.000Z');

function capture(verbosity: number, format: 'text' | 'json' = 'text') {
  const lines: string[] = [];
  return { lines, log: createLogger({ verbosity, format, now: at, write: (l) => lines.push(l) }) };
}

test('quiet by default: errors and warnings only', (t) => {
  const { lines, log } = capture(0);
  log.error('boom', { err: new Error('disk full') });
  log.warn('slow');
  log.info('hidden');
  log.debug('hidden');
  t.deepEqual(lines, [
    'time=2026-01-02T03:04:05.000Z level=error msg=boom err="disk full"',
    'time=2026-01-02T03:04:05.000Z level=warn msg=slow',
  ]);
});

test('-v shows info, -v=2 debug too', (t) => {
  const one = capture(1);
  one.log.info('a');
  one.log.debug('b');
  t.is(one.lines.length, 1);
  const two = capture(2);
  two.log.info('a');
  two.log.debug('b');
  t.is(two.lines.length, 2);
  t.true(two.log.enabled(2));
  t.false(two.log.enabled(3));
});

test('child loggers add their fields; values with spaces, quotes or = are quoted', (t) => {
  const { lines, log } = capture(1);
  log.child({ component: 'scheduler' }).info('bound pod', { pod: 'default/web-0', node: 'n1', note: 'a=b', empty: '', n: 3, obj: { k: 1 } });
  t.is(
    lines[0],
    'time=2026-01-02T03:04:05.000Z level=info msg="bound pod" component=scheduler pod=default/web-0 node=n1 note="a=b" empty="" n=3 obj="{\\"k\\":1}"',
  );
});

test('json format: one object per line', (t) => {
  const { lines, log } = capture(0, 'json');
  log.warn('x', { a: 1, skip: undefined });
  t.deepEqual(JSON.parse(lines[0]), { time: '2026-01-02T03:04:05.000Z', level: 'warn', msg: 'x', a: 1 });
  t.is(formatLine('json', at(), 'info', 'm', { err: new Error('e') }), '{"time":"2026-01-02T03:04:05.000Z","level":"info","msg":"m","err":"e"}');
});

test('silentLogger writes nothing, even errors', (t) => {
  t.notThrows(() => silentLogger.error('nothing'));
  t.false(silentLogger.enabled(0));
});
