import test from 'ava';
import type { KubeObject } from '../api/types.ts';
import { createInformerFactory } from './informer.ts';
import { createInformerViews } from './informer-views.ts';
import { configMaps, eventually, namespaces, startTestServer, type TestServer } from '../testing/test-server.ts';

let ts: TestServer;
test.before(async () => {
  ts = await startTestServer();
});
test.after.always(async () => {
  await ts?.close();
});

const names = (seen: string[]) => (o: KubeObject) => seen.push(o.metadata?.name ?? '');

test('informer views: two loops share one informer (one list, one cache); a stopped view hears nothing more; the last one stops it', async (t) => {
  const c = ts.client();
  const ns = 'views1';
  await c.create(namespaces, '', { metadata: { name: ns } });
  await c.create(configMaps, ns, { metadata: { name: 'first' } });
  let factories = 0;
  const views = createInformerViews(() => {
    factories++;
    return createInformerFactory(c);
  });
  const scheduler = views.view();
  const controllers = views.view();
  t.teardown(() => {
    scheduler.stop();
    controllers.stop();
  });
  const a = scheduler.informer(configMaps);
  const b = controllers.informer(configMaps);
  const seenA: string[] = [];
  const seenB: string[] = [];
  a.addEventHandler({ add: names(seenA) });
  b.addEventHandler({ add: names(seenB) });
  a.addIndex('by-name', (o) => [o.metadata?.name ?? '']);
  // The same index again (a second loop or a new term): reused, not an error.
  b.addIndex('by-name', () => ['never']);
  scheduler.start();
  controllers.start();
  await Promise.all([scheduler.waitForSync(), controllers.waitForSync()]);
  t.is(factories, 1);
  t.deepEqual(views.holders(), new Map([['/v1/configmaps', 2]]));
  // One cache behind both: the very same object, filed by the first index function.
  t.is(a.lister.get(ns, 'first'), b.lister.get(ns, 'first'));
  t.is(b.lister.byIndex('by-name', 'first').length, 1);

  scheduler.stop();
  t.deepEqual(views.holders(), new Map([['/v1/configmaps', 1]]));
  await c.create(configMaps, ns, { metadata: { name: 'second' } });
  await eventually(() => seenB.includes('second'), 5000, 'the controllers hear of the new ConfigMap');
  t.false(seenA.includes('second'));
  t.truthy(a.lister.get(ns, 'second'), 'the cache stays up to date for the loop still using it');

  controllers.stop();
  t.deepEqual(views.holders(), new Map());
  // A loop still finishing after its view stopped gets an informer that never starts.
  const late = controllers.informer(configMaps);
  t.false(late.hasSynced());
  t.deepEqual(late.lister.list(), []);
  t.deepEqual(views.holders(), new Map());
  // A new term lists again, on a new informer, and hears of everything as adds.
  const again = views.view();
  t.teardown(() => again.stop());
  const seenC: string[] = [];
  again.informer(configMaps).addEventHandler({ add: names(seenC) });
  again.start();
  await again.waitForSync();
  t.is(factories, 3, 'the first, the late loop\'s stopped one, this one');
  t.deepEqual(seenC.filter((n) => n === 'first' || n === 'second').sort(), ['first', 'second']);
});
