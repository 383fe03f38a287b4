// The RBAC index: rule matching as upstream's (wildcards, */subresource, resourceNames,
// non-resource prefixes), bindings found by user, group and service account, Role vs
// ClusterRole references, removal, and the escalation check `covers`.

import test from 'ava';
import type { Attributes } from './attributes.ts';
import { RbacIndex } from './rbac-index.ts';
import { covers, ruleAllows, type PolicyRule } from './rbac-rules.ts';

const user = (username: string, groups: string[] = []) => ({ username, groups });
const res = (u: ReturnType<typeof user>, verb: string, resource: string, o: Partial<{ group: string; sub: string; ns: string; name: string }> = {}): Attributes => ({
  isResourceRequest: true, user: u, verb, apiGroup: o.group ?? '', resource, subresource: o.sub ?? '', namespace: o.ns ?? '', name: o.name ?? '',
});

const ruleCases: [string, PolicyRule, Attributes, boolean][] = [
  ['exact', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res(user('a'), 'get', 'pods'), true],
  ['other verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res(user('a'), 'list', 'pods'), false],
  ['other group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, res(user('a'), 'get', 'pods'), false],
  ['subresource needs its own entry', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res(user('a'), 'get', 'pods', { sub: 'log' }), false],
  ['*/scale', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res(user('a'), 'update', 'deployments', { group: 'apps', sub: 'scale' }), true],
  ['resourceNames match', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] }, res(user('a'), 'get', 'secrets', { name: 's1' }), true],
  ['resourceNames never allow list', { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] }, res(user('a'), 'list', 'secrets'), false],
  ['url prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, { isResourceRequest: false, user: user('a'), verb: 'get', path: '/apis/apps/v1' }, true],
  ['url exact only', { verbs: ['get'], nonResourceURLs: ['/api'] }, { isResourceRequest: false, user: user('a'), verb: 'get', path: '/api/v1' }, false],
];
for (const [name, rule, a, want] of ruleCases) test(`ruleAllows: ${name}`, (t) => t.is(ruleAllows(a, rule), want));

function index(): RbacIndex {
  const i = new RbacIndex();
  i.upsert('ClusterRole', { metadata: { name: 'view' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] });
  i.upsert('Role', { metadata: { name: 'cm', namespace: 'a' }, rules: [{ verbs: ['*'], apiGroups: [''], resources: ['configmaps'] }] });
  i.upsert('ClusterRoleBinding', { metadata: { name: 'ops-view' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'ops' }] });
  i.upsert('RoleBinding', { metadata: { name: 'sa-cm', namespace: 'a' }, roleRef: { kind: 'Role', name: 'cm' }, subjects: [{ kind: 'ServiceAccount', name: 'robot' }] });
  i.upsert('RoleBinding', { metadata: { name: 'bob-view', namespace: 'b' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'bob' }] });
  return i;
}

test('bindings are found by group, service account and user, in their scope only', (t) => {
  const i = index();
  t.is(i.authorize(res(user('x', ['ops']), 'list', 'pods', { ns: 'anywhere' })).decision, 'allow');
  t.is(i.authorize(res(user('x', ['ops']), 'list', 'pods')).decision, 'allow');
  const robot = user('system:serviceaccount:a:robot', ['system:serviceaccounts']);
  t.is(i.authorize(res(robot, 'delete', 'configmaps', { ns: 'a', name: 'c' })).decision, 'allow');
  t.is(i.authorize(res(robot, 'delete', 'configmaps', { ns: 'b', name: 'c' })).decision, 'no-opinion');
  t.is(i.authorize(res(user('bob'), 'get', 'pods', { ns: 'b', name: 'p' })).decision, 'allow');
  t.is(i.authorize(res(user('bob'), 'get', 'pods', { ns: 'c', name: 'p' })).decision, 'no-opinion');
  t.is(i.authorize(res(user('bob'), 'list', 'pods')).decision, 'no-opinion', 'a RoleBinding grants nothing cluster-wide');
  t.is(i.authorize(res(user('bob'), 'get', 'pods', { ns: 'b' })).reason, 'RBAC: allowed by RoleBinding "bob-view/b" of ClusterRole "view" to User "bob"');
});

test('removing a binding or its role takes the access away', (t) => {
  const i = index();
  i.remove('ClusterRoleBinding', { metadata: { name: 'ops-view' } });
  t.is(i.authorize(res(user('x', ['ops']), 'list', 'pods')).decision, 'no-opinion');
  i.remove('ClusterRole', { metadata: { name: 'view' } });
  t.is(i.authorize(res(user('bob'), 'get', 'pods', { ns: 'b' })).decision, 'no-opinion');
});

test('a RoleBinding may not reach a Role of another namespace, a ClusterRoleBinding no Role at all', (t) => {
  const i = index();
  i.upsert('RoleBinding', { metadata: { name: 'x', namespace: 'b' }, roleRef: { kind: 'Role', name: 'cm' }, subjects: [{ kind: 'User', name: 'eve' }] });
  i.upsert('ClusterRoleBinding', { metadata: { name: 'y' }, roleRef: { kind: 'Role', name: 'cm' }, subjects: [{ kind: 'User', name: 'eve' }] });
  t.is(i.authorize(res(user('eve'), 'get', 'configmaps', { ns: 'b', name: 'c' })).decision, 'no-opinion');
  t.is(i.authorize(res(user('eve'), 'get', 'configmaps', { ns: 'a', name: 'c' })).decision, 'no-opinion');
});

test('covers: held rules must include every verb, resource and name of the wanted rule', (t) => {
  const held: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'configmaps'] }, { verbs: ['*'], apiGroups: ['apps'], resources: ['*'] }];
  t.true(covers(held, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }));
  t.true(covers(held, { verbs: ['delete'], apiGroups: ['apps'], resources: ['deployments/scale'] }));
  t.true(covers(held, { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['x'] }));
  t.false(covers(held, { verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }));
  t.false(covers(held, { verbs: ['get'], apiGroups: ['*'], resources: ['pods'] }));
  t.false(covers(held, { verbs: ['get'], nonResourceURLs: ['/metrics'] }));
});
