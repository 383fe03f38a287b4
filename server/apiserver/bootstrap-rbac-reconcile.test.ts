import test from 'ava';
import type { KubeObject } from '../../api/types.ts';
import { bootstrapRbac } from './bootstrap-rbac.ts';
import { reconcileBootstrap } from './bootstrap-rbac-reconcile.ts';

const wanted = (name: string) => structuredClone(bootstrapRbac().find((o) => o.metadata?.name === name && o.kind !== 'ClusterRoleBinding') ?? bootstrapRbac().find((o) => o.metadata?.name === name)!);
const binding = (name: string) => structuredClone(bootstrapRbac().find((o) => o.metadata?.name === name && o.kind === 'ClusterRoleBinding')!);

test('a bootstrap role missing rules gets them back; what an admin added stays', (t) => {
  const want = wanted('system:kube-scheduler');
  const stored: KubeObject = { ...structuredClone(want), rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }] };
  const r = reconcileBootstrap(stored, want);
  if (r.action !== 'update') return t.fail(r.action);
  const rules = r.object.rules as { apiGroups?: string[]; resources?: string[]; verbs: string[] }[];
  t.deepEqual(rules[0], { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] });
  t.true(rules.some((x) => x.resources?.includes('bindings') && x.verbs.includes('create')), 'pods/binding-style rules are back');
  t.deepEqual(reconcileBootstrap(r.object, want), { action: 'none' }, 'a second pass changes nothing');
});

test('labels and annotations are added, never overwritten; autoupdate "false" opts out', (t) => {
  const want = wanted('system:kube-scheduler');
  const stored = structuredClone(want);
  stored.metadata = { name: 'system:kube-scheduler', labels: { mine: 'x' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true', note: 'kept' } };
  const r = reconcileBootstrap(stored, want);
  if (r.action !== 'update') return t.fail(r.action);
  t.like(r.object.metadata, { labels: { mine: 'x', 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { note: 'kept' } });
  const optedOut = structuredClone(stored);
  optedOut.metadata!.annotations!['rbac.authorization.kubernetes.io/autoupdate'] = 'false';
  optedOut.rules = [];
  t.deepEqual(reconcileBootstrap(optedOut, want), { action: 'none' });
});

test('aggregated roles: only their selectors merge (the aggregation controller owns the rules)', (t) => {
  const want = wanted('edit');
  const stored = structuredClone(want);
  stored.rules = [];
  stored.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { custom: 'true' } }] };
  const r = reconcileBootstrap(stored, want);
  if (r.action !== 'update') return t.fail(r.action);
  t.deepEqual(r.object.rules, []);
  t.deepEqual((r.object.aggregationRule as { clusterRoleSelectors: unknown[] }).clusterRoleSelectors, [{ matchLabels: { custom: 'true' } }, { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }]);
});

test('bindings: missing subjects are added, a changed roleRef means recreate', (t) => {
  const want = binding('cluster-admin');
  const stored = structuredClone(want);
  stored.subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ops-lead' }];
  const r = reconcileBootstrap(stored, want);
  if (r.action !== 'update') return t.fail(r.action);
  t.deepEqual((r.object.subjects as { name: string }[]).map((s) => s.name), ['ops-lead', 'system:masters']);
  const moved = structuredClone(want);
  moved.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };
  t.deepEqual(reconcileBootstrap(moved, want), { action: 'recreate' });
});
