import test from 'ava';
import { microTime, rfc3339 } from './time.ts';

test('Time drops the fraction; MicroTime has six digits', (t) => {
  const d = new Date('2024-03-04T05:06:07.089Z');
  t.is(rfc3339(d), '2024-03-04T05:06:07Z');
  t.is(microTime(d), '2024-03-04T05:06:07.089000Z');
});
