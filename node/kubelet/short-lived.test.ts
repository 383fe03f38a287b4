import test from 'ava';
import { shortLived } from './short-lived.ts';

test('callers share one load while it is in flight and its answer until the TTL ends', async (t) => {
  let loads = 0;
  let clock = 1_000;
  const get = shortLived(40, async () => ++loads, () => clock);
  t.deepEqual(await Promise.all([get(), get(), get()]), [1, 1, 1]);
  clock += 39;
  t.is(await get(), 1);
  clock += 1;
  t.is(await get(), 2);
});

test('a failed load is not kept: the next caller loads again', async (t) => {
  let loads = 0;
  const get = shortLived(60_000, async () => {
    if (++loads === 1) throw new Error('apiserver down');
    return loads;
  });
  await t.throwsAsync(get(), { message: 'apiserver down' });
  t.is(await get(), 2);
});
