import test from 'ava';
import { humanDuration, since } from './duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

const cases: Array<[string, number, string]> = [
  ['a second in the future is now', -1500, '0s'],
  ['further in the future is invalid', -2 * s, '<invalid>'],
  ['zero', 0, '0s'],
  ['sub-second truncates', 999, '0s'],
  ['seconds up to two minutes', 119 * s, '119s'],
  ['two minutes even', 2 * m, '2m'],
  ['minutes and seconds under ten minutes', 3 * m + 20 * s, '3m20s'],
  ['ten minutes drops seconds', 10 * m + 59 * s, '10m'],
  ['minutes up to three hours', 179 * m, '179m'],
  ['three hours even', 3 * h, '3h'],
  ['hours and minutes under eight hours', 5 * h + 12 * m, '5h12m'],
  ['hours up to two days', 47 * h + 59 * m, '47h'],
  ['days and hours under eight days', 2 * d + 3 * h, '2d3h'],
  ['whole days', 7 * d, '7d'],
  ['days up to two years', 400 * d + 5 * h, '400d'],
  ['years and days under eight years', 2 * y + 30 * d, '2y30d'],
  ['whole years', 3 * y, '3y'],
  ['years only past eight', 9 * y + 100 * d, '9y'],
];

for (const [name, ms, want] of cases) {
  test(`humanDuration: ${name}`, (t) => {
    t.is(humanDuration(ms), want);
  });
}

test('since renders from an RFC3339 timestamp and now', (t) => {
  const now = new Date('2025-01-01T12:00:00Z');
  t.is(since('2025-01-01T11:56:40Z', now), '3m20s');
  t.is(since(undefined, now), '<unknown>');
  t.is(since('not a time', now), '<unknown>');
});
