import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { INITIAL_EVENTS_END_ANNOTATION } from '../../storage/cacher.ts';
import { keyFor, ObjectStore, prefixFor, type Predicate } from '../../storage/object-store.ts';
import { openSqliteBackend } from '../../storage/sqlite/index.ts';
import type { WatchEvent } from './types.ts';
import { UncachedResourceStore } from './uncached-store.ts';

const EV = { group: '', resource: 'events' };
const key = (name: string) => keyFor(EV, 'default', name);
const event = (name: string, reason: string): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' }, reason });

function open() {
  const backend = openSqliteBackend({ path: ':memory:' });
  const store = new ObjectStore(EV, backend);
  const events = new UncachedResourceStore(store, { kind: 'Event', apiVersion: 'v1' });
  return { backend, store, events };
}

/** A watch whose events land in `seen` as `TYPE name reason`. */
async function watching(events: UncachedResourceStore, opts: { resourceVersion?: string; predicate?: Predicate; sendInitialEvents?: boolean }) {
  const seen: string[] = [];
  let closedWith: Error | undefined | 'open' = 'open';
  const h = await events.watch(prefixFor(EV), opts, (e: WatchEvent) => {
    const ann = e.object.metadata?.annotations?.[INITIAL_EVENTS_END_ANNOTATION];
    seen.push(e.type === 'BOOKMARK' ? `BOOKMARK ${ann ?? ''}` : `${e.type} ${e.object.metadata?.name} ${String(e.object.reason)}`);
  }, (err) => (closedWith = err));
  return { seen, stop: () => h.stop(), closed: () => closedWith };
}

async function until(cond: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 3000; !cond(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > deadline) throw new Error('timed out');
  }
}

test('a watch of the store: state then changes; filtered, a change in or out of the selection is ADDED or DELETED', async (t) => {
  const { backend, store, events } = open();
  await store.create(key('a'), event('a', 'Scheduled'));
  const all = await watching(events, { resourceVersion: '0' });
  const scheduled = (o: KubeObject) => o.reason === 'Scheduled';
  const sel = await watching(events, { resourceVersion: '0', predicate: scheduled });
  const initial = await watching(events, { resourceVersion: '', sendInitialEvents: true, predicate: scheduled });
  const after = await watching(events, { resourceVersion: '0', sendInitialEvents: false });
  t.deepEqual(initial.seen, ['ADDED a Scheduled', `BOOKMARK true`]);
  await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, reason: 'Pulled' }));
  await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, reason: 'Scheduled' }));
  await store.create(key('b'), event('b', 'Started'));
  await store.delete(key('a'));
  await until(() => all.seen.length === 5 && sel.seen.length === 4);
  t.deepEqual(all.seen, ['ADDED a Scheduled', 'MODIFIED a Pulled', 'MODIFIED a Scheduled', 'ADDED b Started', 'DELETED a Scheduled']);
  t.deepEqual(sel.seen, ['ADDED a Scheduled', 'DELETED a Scheduled', 'ADDED a Scheduled', 'DELETED a Scheduled'], 'leaving carries the state it had');
  t.deepEqual(after.seen.slice(0, 1), ['MODIFIED a Pulled'], 'sendInitialEvents=false: changes only');
  // Resuming at a revision replays what came after it.
  const list = await events.list(prefixFor(EV), {});
  t.deepEqual(list.items.map((o) => o.metadata?.name), ['b']);
  const resumed = await watching(events, { resourceVersion: String(Number(list.resourceVersion) - 1) });
  await until(() => resumed.seen.length === 1);
  t.deepEqual(resumed.seen, ['DELETED a Scheduled']);
  for (const w of [all, sel, initial, after, resumed]) w.stop();
  t.is(all.closed(), undefined, 'stop closes without an error');
  await backend.close();
});

test('a watch of the store: 410 once its revision is compacted, 504 beyond the store', async (t) => {
  const { backend, store, events } = open();
  await store.create(key('a'), event('a', 'x'));
  const b = await store.create(key('b'), event('b', 'x'));
  await store.guaranteedUpdate(key('b'), (cur) => ({ ...cur!, reason: 'y' }));
  await backend.compact(Number(b.metadata?.resourceVersion));
  const old = await watching(events, { resourceVersion: '1' });
  await until(() => old.closed() !== 'open');
  t.is((old.closed() as StatusError).code, 410);
  const e = await t.throwsAsync(events.watch(prefixFor(EV), { resourceVersion: '999' }, () => undefined, () => undefined), { instanceOf: StatusError });
  t.is(e.code, 504);
  await backend.close();
});
