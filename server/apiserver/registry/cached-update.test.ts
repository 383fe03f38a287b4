// Updates start from the watch cache's copy (upstream's cached origState) and read the store
// only when that copy cannot be trusted: here the cache is made to lag behind the store (its
// backend watch holds events back), and each way a stale copy can mislead an update is shown
// to end as it would have from the store.

import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { configMap, testEngines } from '../../../testing/engine.ts';
import { openSqliteBackend } from '../../storage/sqlite/index.ts';
import type { StoreEvent } from '../../storage/types.ts';

/** An in-memory store whose watches deliver nothing while held; release() delivers what waited. */
function laggingBackend() {
  const backend = openSqliteBackend({ path: ':memory:' });
  let held = false;
  const waiting: Array<() => void> = [];
  let gets = 0;
  const watch = backend.watch.bind(backend);
  backend.watch = (o, h) =>
    watch(o, {
      ...h,
      onEvents: (evs: StoreEvent[]) => (held ? waiting.push(() => h.onEvents(evs)) : h.onEvents(evs)),
      onProgress: (rev) => (held ? undefined : h.onProgress?.(rev)),
    });
  const get = backend.get.bind(backend);
  backend.get = (key) => (gets++, get(key));
  return {
    backend,
    hold: () => void (held = true),
    release() {
      held = false;
      for (const f of waiting.splice(0)) f();
    },
    gets: () => gets,
  };
}

async function setup() {
  const lag = laggingBackend();
  const env = testEngines(undefined, undefined, lag.backend);
  const cms = env.engine('configmaps');
  const created = await cms.create(env.ctx(), configMap('a', { v: '1' }));
  await cms.list(env.ctx(), {}); // starts the cache, which then holds `a`
  return { lag, env, cms, created };
}

const data = (o: KubeObject) => o.data as Record<string, string>;

test('with the cache up to date, an update reads nothing from the store', async (t) => {
  const { lag, env, cms, created } = await setup();
  const before = lag.gets();
  const r = await cms.update(env.ctx(), 'a', { ...configMap('a', { v: '2' }), metadata: { name: 'a', resourceVersion: created.metadata!.resourceVersion } });
  t.is(data(r.object).v, '2');
  t.is(lag.gets(), before);
  await env.close();
});

test('a PUT naming the store\'s resourceVersion succeeds though the cache holds an older one', async (t) => {
  const { lag, env, cms } = await setup();
  lag.hold();
  const second = (await cms.update(env.ctx(), 'a', configMap('a', { v: '2' }))).object;
  // The cache still says v=1 at the first revision; the client read the store's v=2.
  const r = await cms.update(env.ctx(), 'a', { ...configMap('a', { v: '3' }), metadata: { name: 'a', resourceVersion: second.metadata!.resourceVersion } });
  t.is(data(r.object).v, '3');
  t.true(Number(r.object.metadata!.resourceVersion) > Number(second.metadata!.resourceVersion));
  lag.release();
  await env.close();
});

test('an unconditional update from a stale copy loses no write: its revision guards it, the store decides', async (t) => {
  const { lag, env, cms } = await setup();
  lag.hold();
  await cms.updateWith(env.ctx(), 'a', (cur) => ({ ...cur!, data: { ...data(cur!), x: 'set' } }), undefined, false);
  const r = await cms.updateWith(env.ctx(), 'a', (cur) => ({ ...cur!, data: { ...data(cur!), y: 'set' } }), undefined, false);
  t.deepEqual(r.object.data, { v: '1', x: 'set', y: 'set' });
  lag.release();
  t.deepEqual((await cms.get(env.ctx(), 'a')).data, { v: '1', x: 'set', y: 'set' });
  await env.close();
});

test('a write that changes nothing against the stale copy but something against the store is written', async (t) => {
  const { lag, env, cms } = await setup();
  lag.hold();
  const second = (await cms.update(env.ctx(), 'a', configMap('a', { v: '2' }))).object;
  // Back to what the cache holds: unchanged to the cache, a change to the store.
  const r = await cms.update(env.ctx(), 'a', configMap('a', { v: '1' }));
  t.is(data(r.object).v, '1');
  t.not(r.object.metadata!.resourceVersion, second.metadata!.resourceVersion);
  lag.release();
  t.is(data(await cms.get(env.ctx(), 'a')).v, '1');
  await env.close();
});

test('an update that changes nothing writes nothing: the resourceVersion stays', async (t) => {
  const { env, cms, created } = await setup();
  const r = await cms.update(env.ctx(), 'a', configMap('a', { v: '1' }));
  t.is(r.object.metadata!.resourceVersion, created.metadata!.resourceVersion);
  await env.close();
});

test('from the cache, a change that keeps the length is written and the same body again is not (bytes compared, UTF-8 included)', async (t) => {
  const { env, cms } = await setup();
  const first = (await cms.update(env.ctx(), 'a', configMap('a', { v: 'é1' }))).object;
  const changed = (await cms.update(env.ctx(), 'a', configMap('a', { v: 'é2' }))).object;
  t.is(data(changed).v, 'é2');
  t.true(Number(changed.metadata!.resourceVersion) > Number(first.metadata!.resourceVersion));
  const again = (await cms.update(env.ctx(), 'a', configMap('a', { v: 'é2' }))).object;
  t.is(again.metadata!.resourceVersion, changed.metadata!.resourceVersion);
  t.is(data(await cms.get(env.ctx(), 'a')).v, 'é2');
  await env.close();
});
