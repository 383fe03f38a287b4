import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { testEngines } from '../../../testing/engine.ts';
import { podEvictionHandler } from './pod-eviction.ts';

const pod = (name: string, nodeName?: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'x:1' }], ...(nodeName ? { nodeName } : {}) },
});

/** A budget over app=web whose status the disruption controller has written. */
async function setup(budget?: { disruptionsAllowed: number; observed: boolean }) {
  const env = testEngines();
  const pods = env.engine('pods');
  const pdbs = env.engine('poddisruptionbudgets', 'policy');
  await pods.create(env.ctx(), pod('bound', 'n1'));
  await pods.create(env.ctx(), pod('pending'));
  if (budget) {
    const pdb = await pdbs.create(env.ctx(), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
    const status = { disruptionsAllowed: budget.disruptionsAllowed, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, observedGeneration: budget.observed ? pdb.metadata?.generation : 0 };
    await pdbs.updateWith(env.ctx(), 'web', (cur) => ({ ...cur!, status }), 'status', false);
  }
  const evict = podEvictionHandler({ resource: pods.rt, engine: pods, engineOf: (g, p) => env.engine(p, g) });
  const eviction = (name: string) => evict.create!(env.ctx(), name, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } });
  return { env, pods, pdbs, eviction };
}

test('a pod on no node disrupts nothing: evicted at once, budget or not', async (t) => {
  const { env, pods, eviction } = await setup({ disruptionsAllowed: 0, observed: true });
  t.is((await eviction('pending')).code, 201);
  t.is((await t.throwsAsync(pods.get(env.ctx(), 'pending'), { instanceOf: StatusError })).code, 404);
  await env.close();
});

test('a budget with a disruption left: it is spent and recorded, and the pod is deleted gracefully', async (t) => {
  const { env, pods, pdbs, eviction } = await setup({ disruptionsAllowed: 1, observed: true });
  t.is((await eviction('bound')).code, 201);
  const status = (await pdbs.get(env.ctx(), 'web')).status as { disruptionsAllowed: number; disruptedPods: Record<string, string> };
  t.is(status.disruptionsAllowed, 0);
  t.deepEqual(Object.keys(status.disruptedPods), ['bound']);
  t.truthy((await pods.get(env.ctx(), 'bound')).metadata?.deletionTimestamp, 'a running pod gets its grace period');
  await env.close();
});

// [name, budget, the 429's cause]
const refusals: Array<[string, { disruptionsAllowed: number; observed: boolean }, RegExp]> = [
  ['no disruption left', { disruptionsAllowed: 0, observed: true }, /The disruption budget web needs 1 healthy pods and has 2 currently/],
  ['a budget the controller has not seen yet', { disruptionsAllowed: 1, observed: false }, /The disruption budget web is still being processed by the server/],
];
for (const [name, budget, cause] of refusals) {
  test(`429 and the pod stays: ${name}`, async (t) => {
    const { env, pods, eviction } = await setup(budget);
    const e = await t.throwsAsync(eviction('bound'), { instanceOf: StatusError });
    t.is(e.code, 429);
    t.is(e.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    t.regex(JSON.stringify(e.toStatus()), cause);
    t.falsy((await pods.get(env.ctx(), 'bound')).metadata?.deletionTimestamp);
    await env.close();
  });
}
