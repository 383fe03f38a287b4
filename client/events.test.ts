import test from 'ava';
import type { KubeObject } from '../api/types.ts';
import { FakeClock } from './clock.ts';
import { createEventRecorder, EVENTS } from './events.ts';
import { configMaps, namespaces, startTestServer, type TestServer } from './test-server.ts';

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

test('events: one Event per object+reason+message, aggregated within the window', async (t) => {
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

  // Past the ten-minute window: a new Event.
  clock.advance(11 * 60_000);
  rec.event(cm, 'Normal', 'Synced', 'all good');
  await rec.flush();
  t.is((await eventsAbout('evented')).filter((e) => e.message === 'all good').length, 2);
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
