import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { testEngines } from '../../../testing/engine.ts';
import { collectGarbage } from '../../../testing/gc.ts';
import type { GenericStore } from '../registry/store.ts';
import type { WatchEvent } from '../registry/types.ts';
import { feedIndex } from './feed.ts';

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x:1' }] },
});

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the feed keeps no object it handed to the sink: listed and watched pods are collectable', async (t) => {
  const env = testEngines();
  const pods = env.engine('pods');
  for (let i = 0; i < 20; i++) await pods.create(env.ctx(), pod(`listed-${i}`));
  const refs: WeakRef<KubeObject>[] = [];
  const names = new Set<string>();
  const feed = await feedIndex(pods, {
    upsert: (o) => {
      refs.push(new WeakRef(o));
      names.add(o.metadata!.name!);
    },
    remove: () => undefined,
  }, (e) => t.fail(e.message));
  for (let i = 0; i < 20; i++) await pods.create(env.ctx(), pod(`watched-${i}`));
  await until(() => names.size === 40);
  await collectGarbage();
  t.deepEqual(refs.map((r) => r.deref()?.metadata?.name).filter(Boolean), []);
  feed.stop();
  await env.close();
});

test('a relist removes what is gone, by namespace and name', async (t) => {
  let items: KubeObject[] = [
    { metadata: { namespace: 'ns', name: 'a' } },
    { metadata: { namespace: 'ns', name: 'b' } },
    { metadata: { name: 'cluster-scoped' } },
  ];
  let end: (() => void) | undefined;
  const engine = {
    list: () => Promise.resolve({ items, resourceVersion: '1' }),
    watch: (_ctx: unknown, _o: unknown, _e: (e: WatchEvent) => void, onClose: () => void) => {
      end = onClose;
      return Promise.resolve({ stop: () => undefined });
    },
  } as unknown as GenericStore;
  const removed: KubeObject[] = [];
  const feed = await feedIndex(engine, { upsert: () => undefined, remove: (o) => removed.push(o) }, (e) => t.fail(e.message));
  items = [items[0]];
  end!(); // the watch ended: the feed lists again
  await until(() => removed.length === 2);
  t.deepEqual(removed, [{ metadata: { namespace: 'ns', name: 'b' } }, { metadata: { name: 'cluster-scoped' } }]);
  feed.stop();
});
