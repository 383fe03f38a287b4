import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { NOW, testEngines } from '../../../testing/engine.ts';
import { podBindingHandler } from './pod-binding.ts';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });

async function setup() {
  const env = testEngines();
  const pods = env.engine('pods');
  await pods.create(env.ctx(), pod('p'));
  const binding = podBindingHandler({ resource: pods.rt, engine: pods, engineOf: (g, p) => env.engine(p, g) });
  return { env, pods, binding };
}

test('a binding sets spec.nodeName and a PodScheduled condition, and answers 201 Success', async (t) => {
  const { env, pods, binding } = await setup();
  const r = await binding.create!(env.ctx(), 'p', { target: { kind: 'Node', name: 'n1' } });
  t.is(r.code, 201);
  t.like(r.object, { kind: 'Status', status: 'Success' });
  const p = await pods.get(env.ctx(), 'p');
  t.is((p.spec as { nodeName?: string }).nodeName, 'n1');
  t.deepEqual((p.status as { conditions: unknown[] }).conditions, [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: NOW.toISOString().replace('.000', '') }]);
  await env.close();
});

test('a bound pod is not bound again: 409 naming its node', async (t) => {
  const { env, binding } = await setup();
  await binding.create!(env.ctx(), 'p', { target: { name: 'n1' } });
  const e = await t.throwsAsync(binding.create!(env.ctx(), 'p', { target: { name: 'n2' } }), { instanceOf: StatusError });
  t.is(e.code, 409);
  t.regex(e.message, /pod p is already assigned to node "n1"/);
  await env.close();
});

test('a binding without a target name is 422; of a missing pod 404', async (t) => {
  const { env, binding } = await setup();
  const invalid = await t.throwsAsync(binding.create!(env.ctx(), 'p', { target: {} }), { instanceOf: StatusError });
  t.is(invalid.code, 422);
  t.regex(invalid.message, /target.name: Required value/);
  t.is((await t.throwsAsync(binding.create!(env.ctx(), 'nope', { target: { name: 'n1' } }), { instanceOf: StatusError })).code, 404);
  await env.close();
});

test('a binding turns an existing PodScheduled condition True in its place and keeps the others', async (t) => {
  const { env, pods, binding } = await setup();
  const conditions = [
    { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:00Z' },
    { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:00Z' },
  ];
  await pods.updateWith(env.ctx(), 'p', (cur) => ({ ...cur!, status: { conditions } }), 'status', false);
  await binding.create!(env.ctx(), 'p', { target: { name: 'n1' } });
  const p = await pods.get(env.ctx(), 'p');
  const now = NOW.toISOString().replace('.000', '');
  t.deepEqual((p.status as { conditions: unknown[] }).conditions, [{ ...conditions[0], status: 'True', lastTransitionTime: now }, conditions[1]]);
  t.is((p.spec as { nodeName?: string }).nodeName, 'n1');
  t.like((p.spec as { containers: unknown[] }).containers[0], { name: 'c', image: 'x:1' });
  await env.close();
});
