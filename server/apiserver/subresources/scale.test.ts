import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { testEngines } from '../../../testing/engine.ts';
import { scaleHandler } from './scale.ts';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template: { metadata: { labels: { app: 'web', tier: 'a' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
};

async function setup() {
  const env = testEngines();
  const engine = env.engine('deployments', 'apps');
  const created = await engine.create(env.ctx(), structuredClone(deployment));
  const scale = scaleHandler({ resource: engine.rt, engine, engineOf: (g, p) => env.engine(p, g) });
  return { env, engine, created, scale };
}

test('GET answers an autoscaling/v1 Scale with the replicas and the selector as a string', async (t) => {
  const { env, created, scale } = await setup();
  const s = await scale.get!(env.ctx(), 'web');
  t.like(s, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default', uid: created.metadata?.uid }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web,tier in (a,b)' } });
  await env.close();
});

test('PUT sets spec.replicas of the resource (a spec change: generation moves)', async (t) => {
  const { env, engine, scale } = await setup();
  const r = await scale.update!(env.ctx(), 'web', { spec: { replicas: 5 } });
  t.is((r.object.spec as { replicas: number }).replicas, 5);
  const d = await engine.get(env.ctx(), 'web');
  t.is((d.spec as { replicas: number }).replicas, 5);
  t.is(d.metadata?.generation, 2);
  await env.close();
});

// [name, body, code, message]
const refusals: Array<[string, KubeObject, number, RegExp]> = [
  ['negative replicas', { spec: { replicas: -1 } }, 422, /spec.replicas: Invalid value: -1: must be greater than or equal to 0/],
  ['replicas not an integer', { spec: { replicas: 1.5 } }, 422, /spec.replicas: Invalid value: 1.5/],
  ['a stale resourceVersion', { metadata: { resourceVersion: '12345' }, spec: { replicas: 3 } }, 409, /the object has been modified/],
];
for (const [name, body, code, message] of refusals) {
  test(`PUT refuses ${name}`, async (t) => {
    const { env, scale } = await setup();
    const e = await t.throwsAsync(scale.update!(env.ctx(), 'web', body), { instanceOf: StatusError, message });
    t.is(e.code, code);
    await env.close();
  });
}

test('the Scale of a missing resource is 404', async (t) => {
  const { env, scale } = await setup();
  t.is((await t.throwsAsync(scale.get!(env.ctx(), 'nope'), { instanceOf: StatusError })).code, 404);
  t.is((await t.throwsAsync(scale.update!(env.ctx(), 'nope', { spec: { replicas: 1 } }), { instanceOf: StatusError })).code, 404);
  await env.close();
});
