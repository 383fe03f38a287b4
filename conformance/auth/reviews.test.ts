// The review kinds through real kubectl: `auth can-i` (SelfSubjectAccessReview), `can-i
// --list` (SelfSubjectRulesReview), `auth whoami` (SelfSubjectReview), and the
// SubjectAccessReview / LocalSubjectAccessReview / TokenReview an admin posts. None is stored.

import test from 'ava';
import { kubectl } from '../harness.ts';
import { TOKEN_USERS, useAuthCluster } from './cluster.ts';

const cluster = useAuthCluster();

test('kubectl auth can-i answers from the authorizer, for the admin and for a user without bindings', async (t) => {
  const c = cluster();
  const bob = await c.kubeconfigFor({ token: TOKEN_USERS.bob.token });
  for (const tool of c.tools) {
    const yes = await c.admin(tool.path, ['auth', 'can-i', 'create', 'pods']);
    t.is(yes.code, 0, `${tool.name}: ${yes.stderr}`);
    t.is(yes.stdout.trim(), 'yes');
    const no = await kubectl(tool.path, bob, ['auth', 'can-i', 'create', 'pods']);
    t.is(no.code, 1, `${tool.name}: ${no.stderr}`);
    t.is(no.stdout.trim(), 'no');
    // Every authenticated user may ask (system:basic-user) and read discovery.
    const self = await kubectl(tool.path, bob, ['auth', 'can-i', 'create', 'selfsubjectaccessreviews.authorization.k8s.io']);
    t.is(self.stdout.trim(), 'yes');
    const api = await kubectl(tool.path, bob, ['auth', 'can-i', 'get', '/api']);
    t.is(api.stdout.trim(), 'yes');
  }
});

test('kubectl auth can-i --list lists the rules the bootstrap roles grant', async (t) => {
  const c = cluster();
  const bob = await c.kubeconfigFor({ token: TOKEN_USERS.bob.token });
  for (const tool of c.tools) {
    const admin = await c.admin(tool.path, ['auth', 'can-i', '--list']);
    t.is(admin.code, 0, admin.stderr);
    t.regex(admin.stdout, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    const list = await kubectl(tool.path, bob, ['auth', 'can-i', '--list']);
    t.is(list.code, 0, list.stderr);
    t.regex(list.stdout, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    t.regex(list.stdout, /^\s+\[\/version\]\s+\[\]\s+\[get\]$/m);
    t.notRegex(list.stdout, /^\*\.\*/m);
    t.notRegex(list.stdout, /^pods\s/m);
  }
});

test('kubectl auth whoami names the user and groups', async (t) => {
  const c = cluster();
  const alice = await c.kubeconfigFor({ token: TOKEN_USERS.alice.token });
  for (const tool of c.tools) {
    const me = await kubectl(tool.path, alice, ['auth', 'whoami', '-o', 'json']);
    t.is(me.code, 0, me.stderr);
    const review = JSON.parse(me.stdout) as { kind: string; status: { userInfo: { username: string; groups: string[] } } };
    t.is(review.kind, 'SelfSubjectReview');
    t.is(review.status.userInfo.username, 'alice');
    t.deepEqual(review.status.userInfo.groups, ['dev', 'system:authenticated']);
    const admin = await c.admin(tool.path, ['auth', 'whoami']);
    t.regex(admin.stdout, /Username\s+kubernetes-admin/);
    t.regex(admin.stdout, /Groups\s+\[system:masters system:authenticated\]/);
  }
});

test('SubjectAccessReview, LocalSubjectAccessReview and TokenReview are answered and never stored', async (t) => {
  const c = cluster();
  const tool = c.tools[0];
  const sar = await c.admin(tool.path, ['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'bob', groups: ['system:authenticated'], resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } },
  }));
  t.is(sar.code, 0, sar.stderr);
  t.deepEqual((JSON.parse(sar.stdout) as { status: unknown }).status, { allowed: false });
  const masters = await c.admin(tool.path, ['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'x', groups: ['system:authenticated'], nonResourceAttributes: { verb: 'get', path: '/version' } },
  }));
  const status = (JSON.parse(masters.stdout) as { status: { allowed: boolean; reason: string } }).status;
  t.true(status.allowed);
  t.regex(status.reason, /^RBAC: allowed by ClusterRoleBinding "system:(public-info-viewer|discovery)" of ClusterRole "system:(public-info-viewer|discovery)" to Group "system:authenticated"$/);

  const noSubject = await c.admin(tool.path, ['create', '--validate=false', '-f', '-'], JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { resourceAttributes: { verb: 'list', resource: 'pods' } },
  }));
  t.is(noSubject.code, 1);
  t.regex(noSubject.stderr, /The SubjectAccessReview "" is invalid: spec\.user: Invalid value: "": at least one of user or group must be specified/);

  const local = await c.admin(tool.path, ['create', '--validate=false', '-n', 'default', '-o', 'json', '-f', '-'], JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'LocalSubjectAccessReview',
    spec: { user: 'bob', resourceAttributes: { verb: 'get', resource: 'configmaps', namespace: 'kube-system' } },
  }));
  t.is(local.code, 1);
  t.regex(local.stderr, /spec\.resourceAttributes\.namespace must match namespace: default/);

  const tr = await c.admin(tool.path, ['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: TOKEN_USERS.carol.token },
  }));
  t.is(tr.code, 0, tr.stderr);
  const user = (JSON.parse(tr.stdout) as { status: { authenticated: boolean; user: { username: string; groups: string[] } } }).status;
  t.true(user.authenticated);
  t.is(user.user.username, 'carol');
  t.deepEqual(user.user.groups, ['ops', 'system:authenticated']);
  const bad = await c.admin(tool.path, ['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: 'not-a-token' },
  }));
  t.is((JSON.parse(bad.stdout) as { status: { authenticated?: boolean } }).status.authenticated, undefined);

  // Nothing was stored: the kinds cannot even be listed.
  const list = await c.admin(tool.path, ['get', 'subjectaccessreviews']);
  t.not(list.code, 0);
  t.regex(list.stderr, /MethodNotAllowed|the server does not allow this method|\(NotFound\)|not supported/i);
});

test('a user without bindings gets upstream\'s 403 for a real request', async (t) => {
  const c = cluster();
  const bob = await c.kubeconfigFor({ token: TOKEN_USERS.bob.token });
  for (const tool of c.tools) {
    const r = await kubectl(tool.path, bob, ['get', 'pods', '-n', 'kube-system']);
    t.is(r.code, 1);
    t.regex(r.stderr, /Error from server \(Forbidden\): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "kube-system"/);
    const n = await kubectl(tool.path, bob, ['get', 'nodes', 'x']);
    t.regex(n.stderr, /Error from server \(Forbidden\): nodes "x" is forbidden: User "bob" cannot get resource "nodes" in API group "" at the cluster scope/);
  }
});
