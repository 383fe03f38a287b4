// updateWith's copyOnWrite: a producer that copies what it changes gets the attempt's own
// decoded object, not a copy; the engine still never sets a key on that object's root or
// metadata, and only status and binding writes (whose later steps write no nested value) share.

import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { testEngines } from '../../../testing/engine.ts';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };

test('a status producer that returns the object it was given changes nothing, neither stored nor given', async (t) => {
  const env = testEngines();
  const pods = env.engine('pods');
  const created = await pods.create(env.ctx(), structuredClone(pod));
  let given: KubeObject | undefined;
  const r = await pods.updateWith(env.ctx(), 'p', (cur) => (given = cur!), 'status', false, { copyOnWrite: true });
  t.deepEqual(r.object.spec, created.spec);
  t.deepEqual(r.object.metadata?.labels, { a: 'b' });
  t.deepEqual(given?.spec, created.spec, 'the object given keeps its spec');
  t.is(given?.metadata?.resourceVersion, created.metadata?.resourceVersion);
  t.deepEqual(await pods.get(env.ctx(), 'p'), r.object);
  await env.close();
});

test('a status producer copying what it changes: the new status is written, the stored spec kept', async (t) => {
  const env = testEngines();
  const pods = env.engine('pods');
  const created = await pods.create(env.ctx(), structuredClone(pod));
  let given: KubeObject | undefined;
  const r = await pods.updateWith(env.ctx(), 'p', (cur) => {
    given = cur!;
    return { ...cur!, spec: { containers: [] }, status: { phase: 'Running' } };
  }, 'status', false, { copyOnWrite: true });
  t.deepEqual(r.object.status, { phase: 'Running' });
  t.deepEqual(r.object.spec, created.spec, 'a status write keeps the spec');
  t.deepEqual(given?.status, created.status, 'the object given is not written into');
  t.deepEqual((await pods.get(env.ctx(), 'p')).status, { phase: 'Running' });
  await env.close();
});

test('an update of the resource itself always gives its producer a copy', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  await cms.create(env.ctx(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { v: '1' } });
  let first: KubeObject | undefined;
  await cms.updateWith(env.ctx(), 'c', (cur) => {
    first = cur!;
    (cur!.data as Record<string, string>).v = '2'; // writes into what it was given
    return cur!;
  }, undefined, false, { copyOnWrite: true });
  const r = await cms.updateWith(env.ctx(), 'c', (cur) => {
    t.not(cur, first);
    return { ...cur!, data: { v: '3' } };
  }, undefined, false);
  t.deepEqual(r.object.data, { v: '3' });
  await env.close();
});
