// Escalation and bind prevention through kubectl: a namespace admin may write roles and
// bindings within what she holds, and is refused, with upstream's message, when a role
// or binding would grant more. Aggregated ClusterRoles gather new rules.

import test from 'ava';
import { kubectl } from '../harness.ts';
import { TOKEN_USERS, useAuthCluster } from './cluster.ts';

const cluster = useAuthCluster();

test('a namespace admin writes roles and bindings only within what she holds', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  t.is((await c.admin(tool.path, ['create', 'namespace', 'team'])).code, 0);
  const bound = await c.admin(tool.path, ['create', 'rolebinding', 'alice-admin', '--clusterrole=admin', '--user=alice', '-n', 'team']);
  t.is(bound.code, 0, bound.stderr);
  const alice = await c.kubeconfigFor({ token: TOKEN_USERS.alice.token });
  const as = (args: string[]) => kubectl(tool.path, alice, ['-n', 'team', ...args]);

  const ok = await as(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods']);
  t.is(ok.code, 0, ok.stderr);
  const okBinding = await as(['create', 'rolebinding', 'bob-reads', '--role=pod-reader', '--user=bob']);
  t.is(okBinding.code, 0, okBinding.stderr);
  const editBinding = await as(['create', 'rolebinding', 'bob-edits', '--clusterrole=edit', '--user=bob']);
  t.is(editBinding.code, 0, editBinding.stderr);

  const role = await as(['create', 'role', 'node-reader', '--verb=get', '--resource=nodes,pods']);
  t.is(role.code, 1);
  t.is(
    role.stderr.trim(),
    'Error from server (Forbidden): roles.rbac.authorization.k8s.io "node-reader" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}',
  );
  const binding = await as(['create', 'rolebinding', 'bob-root', '--clusterrole=cluster-admin', '--user=bob']);
  t.is(binding.code, 1);
  t.regex(binding.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "bob-root" is forbidden: user "alice" \(groups=\["dev" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/);
  const clusterRole = await as(['create', 'clusterrole', 'x', '--verb=get', '--resource=pods']);
  t.is(clusterRole.code, 1);
  t.regex(clusterRole.stderr, /clusterroles\.rbac\.authorization\.k8s\.io is forbidden: User "alice" cannot create resource "clusterroles" in API group "rbac\.authorization\.k8s\.io" at the cluster scope/);
  // Nothing was written.
  t.not((await c.admin(tool.path, ['get', 'role', 'node-reader', '-n', 'team'])).code, 0);
  t.not((await c.admin(tool.path, ['get', 'rolebinding', 'bob-root', '-n', 'team'])).code, 0);
  // Bob got what alice could give.
  const bob = await c.kubeconfigFor({ token: TOKEN_USERS.bob.token });
  t.is((await kubectl(tool.path, bob, ['auth', 'can-i', 'create', 'deployments', '-n', 'team'])).stdout.trim(), 'yes');
  t.is((await kubectl(tool.path, bob, ['auth', 'can-i', 'create', 'roles', '-n', 'team'])).stdout.trim(), 'no');
});

test('the bootstrap admin, edit and view roles are aggregated, and a role with bind or escalate may be granted past what one holds', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  const view = JSON.parse((await c.admin(tool.path, ['get', 'clusterrole', 'view', '-o', 'json'])).stdout) as { rules: { resources?: string[] }[]; aggregationRule: unknown };
  t.deepEqual(view.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
  t.true(view.rules.some((r) => r.resources?.includes('pods')));
  t.false(view.rules.some((r) => r.resources?.includes('secrets')), 'view never reads secrets');
  const edit = JSON.parse((await c.admin(tool.path, ['get', 'clusterrole', 'edit', '-o', 'json'])).stdout) as { rules: { resources?: string[]; verbs: string[] }[] };
  t.true(edit.rules.some((r) => r.resources?.includes('secrets') && r.verbs.includes('create')));
  t.true(edit.rules.some((r) => r.resources?.includes('pods') && r.verbs.includes('list')), 'edit holds what view holds');

  t.is((await c.admin(tool.path, ['create', 'namespace', 'binders'])).code, 0);
  const binder = await c.admin(tool.path, ['create', '--validate=false', '-f', '-'], JSON.stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'binder', namespace: 'binders' },
    rules: [
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['view'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] },
    ],
  }));
  t.is(binder.code, 0, binder.stderr);
  t.is((await c.admin(tool.path, ['create', 'rolebinding', 'carol-binds', '-n', 'binders', '--role=binder', '--user=carol'])).code, 0);
  const carol = await c.kubeconfigFor({ token: TOKEN_USERS.carol.token });
  const may = await kubectl(tool.path, carol, ['create', 'rolebinding', 'dave-views', '-n', 'binders', '--clusterrole=view', '--user=dave']);
  t.is(may.code, 0, may.stderr);
  const mayNot = await kubectl(tool.path, carol, ['create', 'rolebinding', 'dave-edits', '-n', 'binders', '--clusterrole=edit', '--user=dave']);
  t.is(mayNot.code, 1);
  t.regex(mayNot.stderr, /is attempting to grant RBAC permissions not currently held/);
});
