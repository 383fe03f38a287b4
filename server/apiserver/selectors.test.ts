import test from 'ava';
import { Registry } from '../../api/registry.ts';
import type { KubeObject } from '../../api/types.ts';
import { testEngines } from '../../testing/engine.ts';
import { buildPredicate } from './selectors.ts';

const podType = new Registry().all().find((r) => r.plural === 'pods' && r.group === '')!;

test('a field selector\'s f=v terms are what the watch cache may narrow by; != terms and labels are not', (t) => {
  t.deepEqual(buildPredicate(podType, 'app=web', 'spec.nodeName=n1,status.phase!=Failed')?.fieldEquals, { 'spec.nodeName': 'n1' });
  t.deepEqual(buildPredicate(podType, undefined, 'spec.nodeName==n1')?.fieldEquals, { 'spec.nodeName': 'n1' });
  t.deepEqual(buildPredicate(podType, undefined, 'spec.nodeName=')?.fieldEquals, { 'spec.nodeName': '' });
  t.is(buildPredicate(podType, undefined, 'spec.nodeName!=')?.fieldEquals, undefined);
  t.is(buildPredicate(podType, 'app=web', undefined)?.fieldEquals, undefined);
});

test('pods listed and watched by spec.nodeName through the engine: the index answers as the filter does', async (t) => {
  const env = testEngines();
  const pods = env.engine('pods');
  const pod = (name: string, nodeName?: string): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { containers: [{ name: 'c', image: 'x:1' }], ...(nodeName ? { nodeName } : {}) },
  });
  await pods.create(env.ctx(), pod('a', 'n1'));
  await pods.create(env.ctx(), pod('b', 'n2'));
  await pods.create(env.ctx(), pod('pending'));
  const names = async (selector: string) =>
    (await pods.list(env.ctx(), { resourceVersion: '0', predicate: buildPredicate(podType, undefined, selector) })).items.map((o) => o.metadata?.name);
  t.deepEqual(await names('spec.nodeName=n1'), ['a']);
  t.deepEqual(await names('spec.nodeName='), ['pending']);
  t.deepEqual(await names('spec.nodeName=n1,metadata.name=b'), []);
  const seen: string[] = [];
  const w = await pods.watch(env.ctx(), { resourceVersion: '0', predicate: buildPredicate(podType, undefined, 'spec.nodeName=n2') }, (e) => seen.push(`${e.type} ${e.object.metadata?.name}`), () => undefined);
  await pods.create(env.ctx(), pod('c', 'n2'));
  await pods.create(env.ctx(), pod('d', 'n1'));
  for (const deadline = Date.now() + 3000; !seen.includes('ADDED c') && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setImmediate(r)); // d, written after c, was dispatched before c arrived
  t.deepEqual(seen, ['ADDED b', 'ADDED c']);
  w.stop();
  await env.close();
});
