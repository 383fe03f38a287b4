import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import { testEngines } from '../../../testing/engine.ts';
import { namespaceFinalizeHandler } from './namespace-finalize.ts';

async function setup() {
  const env = testEngines();
  const namespaces = env.engine('namespaces');
  const ctx = env.ctx({ namespace: '' });
  await namespaces.create(ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  const finalize = namespaceFinalizeHandler({ resource: namespaces.rt, engine: namespaces, engineOf: (g, p) => env.engine(p, g) });
  return { env, ctx, namespaces, finalize };
}

test('finalize replaces spec.finalizers; an empty list removes them', async (t) => {
  const { env, ctx, namespaces, finalize } = await setup();
  t.deepEqual(((await finalize.get!(ctx, 'team')).spec as { finalizers?: string[] }).finalizers, ['kubernetes']);
  await finalize.update!(ctx, 'team', { spec: { finalizers: ['kubernetes', 'example.com/x'] } });
  t.deepEqual(((await namespaces.get(ctx, 'team')).spec as { finalizers?: string[] }).finalizers, ['kubernetes', 'example.com/x']);
  const r = await finalize.update!(ctx, 'team', { spec: { finalizers: [] } });
  t.is((r.object.spec as { finalizers?: string[] }).finalizers, undefined);
  await env.close();
});

test('finalizers that are not a list of strings are 400; a missing namespace 404', async (t) => {
  const { env, ctx, finalize } = await setup();
  t.is((await t.throwsAsync(finalize.update!(ctx, 'team', { spec: { finalizers: 'kubernetes' } }), { instanceOf: StatusError })).code, 400);
  t.is((await t.throwsAsync(finalize.update!(ctx, 'team', { spec: { finalizers: [1] } }), { instanceOf: StatusError })).code, 400);
  t.is((await t.throwsAsync(finalize.update!(ctx, 'nope', { spec: { finalizers: [] } }), { instanceOf: StatusError })).code, 404);
  await env.close();
});
