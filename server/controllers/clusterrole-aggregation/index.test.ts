import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { newClusterRoleAggregationReconciler } from './index.ts';

const role = (name: string, labels: Record<string, string>, rules: unknown[], aggregateFrom?: string): KubeObject => ({
  metadata: { name, labels },
  rules,
  ...(aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`x/aggregate-to-${aggregateFrom}`]: 'true' } }] } } : {}),
});

test('an aggregated role gathers the rules of the roles it selects, once, and is left alone when current', async (t) => {
  const env = fakeEnv();
  const get = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  const crd = { verbs: ['list'], apiGroups: ['example.com'], resources: ['widgets'] };
  env.client.seed(R.clusterRoles, role('view', {}, [], 'view'));
  env.client.seed(R.clusterRoles, role('b-source', { 'x/aggregate-to-view': 'true' }, [get, crd]));
  env.client.seed(R.clusterRoles, role('a-source', { 'x/aggregate-to-view': 'true' }, [get]));
  env.client.seed(R.clusterRoles, role('other', {}, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]));
  const reconcile = newClusterRoleAggregationReconciler(env.ctx);
  await reconcile('view');
  t.deepEqual(env.client.peek<KubeObject>(R.clusterRoles, '', 'view')?.rules, [get, crd]);
  const writes = env.client.calls.length;
  await reconcile('view');
  await reconcile('a-source');
  t.is(env.client.calls.length, writes, 'no write when nothing changed, none for a role without aggregationRule');
});
