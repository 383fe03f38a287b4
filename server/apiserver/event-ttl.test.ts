// Events expire --event-ttl after their last write, read from their own times; a write seen
// after the sweep read its page keeps the Event. Against the SQLite store directly, with the
// sweep's clock in the test's hands; conformance/kubectl/event-ttl.test.ts shows it through
// kubets server and kubectl.

import test from 'ava';
import type { KubeObject } from '../../api/types.ts';
import { ObjectStore } from '../storage/object-store.ts';
import { openSqliteBackend } from '../storage/sqlite/index.ts';
import { silentLogger } from '../log.ts';
import { lastWriteOf, startEventExpiry } from './event-ttl.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-07T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function event(name: string, times: { created: number; last?: number; eventTime?: number; series?: number }, ns = 'default'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns, creationTimestamp: iso(times.created) },
    involvedObject: { kind: 'Pod', name: 'p', namespace: ns },
    reason: 'Tested',
    ...(times.last !== undefined && { lastTimestamp: iso(times.last) }),
    ...(times.eventTime !== undefined && { eventTime: new Date(times.eventTime).toISOString() }),
    ...(times.series !== undefined && { series: { count: 2, lastObservedTime: new Date(times.series).toISOString() } }),
  } as KubeObject;
}

test('lastWriteOf: the latest of lastTimestamp, series.lastObservedTime, eventTime and creationTimestamp', (t) => {
  t.is(lastWriteOf(event('a', { created: T0 })), T0);
  t.is(lastWriteOf(event('a', { created: T0, last: T0 + 5000 })), T0 + 5000);
  t.is(lastWriteOf(event('a', { created: T0, eventTime: T0 + 1, series: T0 + 9000 })), T0 + 9000);
  t.is(lastWriteOf({ ...event('a', { created: T0 }), lastTimestamp: 'not a time' } as KubeObject), T0);
});

test('a sweep deletes the Events last written more than the TTL ago, in every namespace and page, and only those', async (t) => {
  const backend = openSqliteBackend({ path: ':memory:' });
  const store = new ObjectStore({ group: '', resource: 'events' }, backend);
  let now = T0;
  const expiry = startEventExpiry({ backend, ttlMs: HOUR, now: () => now, log: silentLogger, periodMs: 3_600_000 });
  t.teardown(async () => {
    expiry.stop();
    await backend.close();
  });
  const put = (e: KubeObject) => store.create(`/registry/events/${e.metadata!.namespace}/${e.metadata!.name}`, e);
  // 1,100 old ones across two namespaces: more than two pages of the sweep's list.
  for (let i = 0; i < 1100; i++) await put(event(`old-${i}`, { created: T0 - 2 * HOUR, last: T0 - HOUR - 1 }, i % 2 ? 'a' : 'b'));
  await put(event('created-long-ago-seen-lately', { created: T0 - 5 * HOUR, last: T0 - 60_000 }));
  await put(event('new-series', { created: T0 - 3 * HOUR, eventTime: T0 - 3 * HOUR, series: T0 - 1000 }));
  await put(event('young', { created: T0 - 10_000 }));

  t.is(await expiry.sweep(), 1100);
  const left = (await store.list('/registry/events/', {})).items.map((e) => e.metadata!.name).sort();
  t.deepEqual(left, ['created-long-ago-seen-lately', 'new-series', 'young']);
  t.is(await expiry.sweep(), 0);

  // An hour later the rest have aged past the TTL too.
  now = T0 + HOUR;
  t.is(await expiry.sweep(), 3);
  t.is((await store.list('/registry/events/', {})).items.length, 0);
});

test('an Event written again after the sweep read it stays (the delete carries the resourceVersion it saw)', async (t) => {
  const backend = openSqliteBackend({ path: ':memory:' });
  const store = new ObjectStore({ group: '', resource: 'events' }, backend);
  const key = '/registry/events/default/racing';
  await store.create(key, event('racing', { created: T0 - 2 * HOUR, last: T0 - 2 * HOUR }));
  const now = T0;
  // The clock is read once per sweep, before the list: the write lands between the list and the delete.
  const realList = store.list.bind(store);
  const expiry = startEventExpiry({
    backend: {
      ...backend,
      list: async (...args: Parameters<typeof backend.list>) => {
        const page = await backend.list(...args);
        await store.guaranteedUpdate(key, (cur) => ({ ...cur, lastTimestamp: iso(now), count: 2 }) as KubeObject);
        return page;
      },
    } as typeof backend,
    ttlMs: HOUR,
    now: () => now,
    log: silentLogger,
    periodMs: 3_600_000,
  });
  t.teardown(async () => {
    expiry.stop();
    await backend.close();
  });
  t.is(await expiry.sweep(), 0);
  const kept = (await realList('/registry/events/', {})).items;
  t.is(kept.length, 1);
  t.is((kept[0] as KubeObject & { count?: number }).count, 2);
});
