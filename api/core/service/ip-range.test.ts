import test from 'ava';
import { bandedWalk, IpRange, portCandidates } from './ip-range.ts';

test('a banded walk visits every offset once, the whole upper part before the lower band', (t) => {
  for (const r of [0, 0.3, 0.999]) {
    const seen = [...bandedWalk(40, 8, () => r)];
    t.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
    t.true(seen.slice(0, 32).every((o) => o >= 8));
    t.true(seen.slice(32).every((o) => o < 8));
  }
});

test('a range no larger than its band is walked whole', (t) => {
  t.deepEqual([...bandedWalk(4, 16, () => 0.5)].sort(), [0, 1, 2, 3]);
});

test('dynamic node ports stay out of the static band (30000-30085 of the default range) while the rest has room', (t) => {
  for (const r of [0, 0.5, 0.9999]) {
    const first = portCandidates([30000, 32767], () => r).next().value;
    t.true(first !== undefined && first >= 30086 && first <= 32767, String(first));
  }
  const all = [...portCandidates([30000, 32767])];
  t.is(new Set(all).size, 2768);
  t.true(all.indexOf(30000) >= 2768 - 86);
});

test('dynamic cluster IPs stay out of the lowest 256 addresses of 10.96.0.0/12 while the rest has room', (t) => {
  const range = new IpRange('10.96.0.0/12');
  for (const r of [0, 0.9999999]) {
    const first = range.candidates(() => r).next().value!;
    const [, , c] = first.split('.').map(Number);
    t.true(c >= 1, first);
  }
  // A /28 has 14 addresses, fewer than the smallest band: all of them are candidates.
  t.is(new Set(new IpRange('10.0.0.0/28').candidates()).size, 14);
});
