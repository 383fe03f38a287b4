import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { newServiceAccountReconciler } from './reconcile.ts';

interface Case {
  name: string;
  namespace?: KubeObject;
  existing: boolean;
  expectCreates: number;
}

const cases: Case[] = [
  { name: 'creates default in an active namespace', namespace: { metadata: { name: 'a' } }, existing: false, expectCreates: 1 },
  { name: 'keeps an existing default', namespace: { metadata: { name: 'a' } }, existing: true, expectCreates: 0 },
  { name: 'skips a terminating namespace', namespace: { metadata: { name: 'a', deletionTimestamp: '2025-01-01T00:00:00Z' } }, existing: false, expectCreates: 0 },
  { name: 'skips a missing namespace', existing: false, expectCreates: 0 },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    if (c.namespace) env.client.seed(R.namespaces, c.namespace);
    if (c.existing) env.client.seed(R.serviceAccounts, { metadata: { name: 'default', namespace: 'a' } });
    const reconcile = newServiceAccountReconciler(env.ctx);
    await reconcile('a');
    await reconcile('a');
    t.is(env.client.writes('create').length, c.expectCreates);
  });
}

test('a stale cache that misses default does not fail on AlreadyExists', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.namespaces, { metadata: { name: 'a' } });
  const reconcile = newServiceAccountReconciler(env.ctx);
  env.informers.pause();
  await reconcile('a');
  await t.notThrowsAsync(reconcile('a'));
  t.is(env.client.all(R.serviceAccounts, 'a').length, 1);
});
