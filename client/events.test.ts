import test from 'ava';
import type { KubeObject } from '../api/types.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { COMBINED_PREFIX, createEventRecorder, EVENTS } from './events.ts';
import type { Client } from './types.ts';
import { configMaps, namespaces, startTestServer, type TestServer } from '../testing/test-server.ts';

let ts: TestServer;
test.before(async () => {
  ts = await startTestServer();
});
test.after.always(async () => {
  await ts?.close();
});

interface Ev extends KubeObject {
  involvedObject: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component?: string; host?: string };
  reportingComponent: string;
}

async function eventsAbout(name: string, ns = 'default'): Promise<Ev[]> {
  const list = await ts.client().list<Ev>(EVENTS, ns);
  return list.items.filter((e) => e.involvedObject.name === name).sort((a, b) => a.reason.localeCompare(b.reason));
}

test('events: one Event per object+type+reason+message, counted', async (t) => {
  const c = ts.client();
  const clock = new FakeClock(new Date('2025-03-01T10:00:00Z'));
  const cm = await c.create<KubeObject>(configMaps, 'default', { metadata: { name: 'evented' } });
  const rec = createEventRecorder({ client: c, component: 'test-controller', host: 'node-1', clock });

  const steps: Array<{ advanceMs: number; type: 'Normal' | 'Warning'; reason: string; message: string }> = [
    { advanceMs: 0, type: 'Normal', reason: 'Synced', message: 'all good' },
    { advanceMs: 1000, type: 'Normal', reason: 'Synced', message: 'all good' },
    { advanceMs: 60_000, type: 'Normal', reason: 'Synced', message: 'all good' },
    { advanceMs: 0, type: 'Warning', reason: 'Failed', message: 'disk full' },
    { advanceMs: 0, type: 'Normal', reason: 'Synced', message: 'other text' },
  ];
  for (const s of steps) {
    clock.advance(s.advanceMs);
    rec.event(cm, s.type, s.reason, s.message);
    await rec.flush();
  }
  const evs = await eventsAbout('evented');
  t.deepEqual(
    evs.map((e) => [e.reason, e.message, e.type, e.count]),
    [
      ['Failed', 'disk full', 'Warning', 1],
      ['Synced', 'all good', 'Normal', 3],
      ['Synced', 'other text', 'Normal', 1],
    ],
  );
  const synced = evs.find((e) => e.message === 'all good')!;
  t.is(synced.firstTimestamp, '2025-03-01T10:00:00Z');
  t.is(synced.lastTimestamp, '2025-03-01T10:01:01Z');
  t.regex(synced.metadata!.name!, /^evented\.[0-9a-f]+$/);
  t.deepEqual(synced.involvedObject, { kind: 'ConfigMap', name: 'evented', namespace: 'default', uid: cm.metadata!.uid, apiVersion: 'v1', resourceVersion: cm.metadata!.resourceVersion });
  t.deepEqual(synced.source, { component: 'test-controller', host: 'node-1' });
  t.is(synced.reportingComponent, 'test-controller');

  // The same event later still counts on the same Event (the window is the aggregator's, not the count's).
  clock.advance(11 * 60_000);
  rec.event(cm, 'Normal', 'Synced', 'all good');
  await rec.flush();
  t.deepEqual((await eventsAbout('evented')).filter((e) => e.message === 'all good').map((e) => e.count), [4]);
});

test('events: a deleted Event is written again with the count; cluster-scoped objects report in default', async (t) => {
  const c = ts.client();
  const ns = await c.create(namespaces, '', { metadata: { name: 'evented-ns' } });
  const rec = createEventRecorder({ client: c, component: 'test' });
  rec.event(ns, 'Normal', 'Seen', 'hello');
  await rec.flush();
  let evs = await eventsAbout('evented-ns');
  t.is(evs.length, 1);
  await c.delete(EVENTS, 'default', evs[0].metadata!.name!);
  rec.event(ns, 'Normal', 'Seen', 'hello');
  await rec.flush();
  evs = await eventsAbout('evented-ns');
  t.deepEqual(evs.map((e) => e.count), [2]);
});

test('events: concurrent identical events aggregate into one', async (t) => {
  const c = ts.client();
  const cm = await c.create(configMaps, 'default', { metadata: { name: 'burst' } });
  const rec = createEventRecorder({ client: c, component: 'test' });
  for (let i = 0; i < 10; i++) rec.event(cm, 'Warning', 'Busy', 'again');
  await rec.flush();
  t.deepEqual((await eventsAbout('burst')).map((e) => e.count), [10]);
});

/** A client that counts the event writes it passes on. */
function counting(c: Client): { client: Client; creates: () => number; patches: () => number } {
  let creates = 0;
  let patches = 0;
  const client: Client = {
    get: c.get.bind(c),
    list: c.list.bind(c),
    update: c.update.bind(c),
    delete: c.delete.bind(c),
    watch: c.watch.bind(c),
    create: (r, ns, obj, opts) => ((creates += r.plural === 'events' ? 1 : 0), c.create(r, ns, obj, opts)),
    patch: (r, ns, name, type, p, opts) => ((patches += r.plural === 'events' ? 1 : 0), c.patch(r, ns, name, type, p, opts)),
  };
  return { client, creates: () => creates, patches: () => patches };
}

test('events: similar events (only the message differs) combine from the 10th, and the spam filter stops a source at 25 per object', async (t) => {
  const c = ts.client();
  const clock = new FakeClock(new Date('2025-03-02T10:00:00Z'));
  const rs = await c.create<KubeObject>(configMaps, 'default', { metadata: { name: 'many-pods' } });
  const w = counting(c);
  const rec = createEventRecorder({ client: w.client, component: 'replicaset-controller', clock });
  for (let i = 1; i <= 100; i++) {
    clock.advance(10);
    rec.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: many-pods-${i}`);
  }
  await rec.flush();
  // 9 Events of their own, then one combined Event created and patched 15 times: 25 writes.
  t.is(w.creates(), 10);
  t.is(w.patches(), 15);
  let evs = await eventsAbout('many-pods');
  const combined = evs.filter((e) => e.message.startsWith(COMBINED_PREFIX));
  t.deepEqual(combined.map((e) => [e.message, e.count]), [[`${COMBINED_PREFIX}Created pod: many-pods-25`, 16]]);
  t.deepEqual(evs.filter((e) => !e.message.startsWith(COMBINED_PREFIX)).map((e) => e.message).sort(), Array.from({ length: 9 }, (_, i) => `Created pod: many-pods-${i + 1}`).sort());

  // Another object has a bucket of its own; the same object with another reason shares this one.
  rec.event(rs, 'Warning', 'FailedCreate', 'Error creating: quota');
  const other = await c.create<KubeObject>(configMaps, 'default', { metadata: { name: 'few-pods' } });
  rec.event(other, 'Normal', 'SuccessfulCreate', 'Created pod: few-pods-1');
  await rec.flush();
  t.is((await eventsAbout('many-pods')).filter((e) => e.reason === 'FailedCreate').length, 0);
  t.deepEqual((await eventsAbout('few-pods')).map((e) => e.message), ['Created pod: few-pods-1']);

  // Five minutes later one more token: the combined Event's count includes the dropped events.
  clock.advance(5 * 60_000);
  rec.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: many-pods-101');
  rec.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: many-pods-102');
  await rec.flush();
  evs = await eventsAbout('many-pods');
  t.deepEqual(evs.filter((e) => e.message.startsWith(COMBINED_PREFIX)).map((e) => [e.message, e.count]), [[`${COMBINED_PREFIX}Created pod: many-pods-101`, 92]]);
  t.is(w.creates() + w.patches(), 27);
});

test('events: past the aggregation window similar events start afresh as Events of their own', async (t) => {
  const c = ts.client();
  const clock = new FakeClock(new Date('2025-03-03T10:00:00Z'));
  const obj = await c.create<KubeObject>(configMaps, 'default', { metadata: { name: 'windowed' } });
  const rec = createEventRecorder({ client: c, component: 'test', clock });
  for (let i = 1; i <= 10; i++) rec.event(obj, 'Normal', 'Tick', `tick ${i}`);
  await rec.flush();
  t.is((await eventsAbout('windowed')).filter((e) => e.message.startsWith(COMBINED_PREFIX)).length, 1);
  clock.advance(10 * 60_000 + 1000);
  rec.event(obj, 'Normal', 'Tick', 'tick 11');
  await rec.flush();
  const evs = await eventsAbout('windowed');
  t.is(evs.length, 11);
  t.truthy(evs.find((e) => e.message === 'tick 11' && e.count === 1));
});
