// ValidatingAdmissionPolicy through kubectl: a policy and its binding refuse a Deployment
// with too many replicas with upstream's message, a Warn binding prints a warning, a
// matchCondition lets a user through, a binding's namespaceSelector leaves a namespace out,
// params come from a ConfigMap, the authorizer checks the requesting user's RBAC, and a
// policy whose expression does not compile is refused.

import test from 'ava';
import { kubectl } from '../harness.ts';
import { TOKEN_USERS, useAuthCluster } from './cluster.ts';

const cluster = useAuthCluster();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RULES = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] };
const policy = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec: { matchConstraints: RULES, ...spec } });
const binding = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec });

/** Runs `f` until `done` says its result is the one awaited (a binding applies within moments). */
async function until<T>(f: () => Promise<T>, done: (v: T) => boolean, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (done(v) || Date.now() > end) return v;
    await sleep(100);
  }
}

test.serial('Deny: too many replicas refused with upstream message; a matchCondition and a namespaceSelector let requests through', async (t) => {
  const c = cluster();
  const tool = c.tools[0]!.path;
  const k = (args: string[], stdin?: string) => c.admin(tool, args, stdin);
  t.is((await k(['create', 'namespace', 'vap'])).code, 0);
  t.is((await k(['create', 'namespace', 'vap-free'])).code, 0);
  t.is((await k(['label', 'namespace', 'vap-free', 'vap=exempt'])).code, 0);
  const p = await k(['create', '-f', '-'], policy('replicas.example.com', {
    matchConditions: [{ name: 'not-trusted', expression: "request.userInfo.username != 'trusted'" }],
    validations: [{ expression: 'object.spec.replicas <= 5' }],
  }));
  t.is(p.code, 0, p.stderr);
  const b = await k(['create', '-f', '-'], binding('replicas-binding.example.com', {
    policyName: 'replicas.example.com',
    validationActions: ['Deny'],
    matchResources: { namespaceSelector: { matchExpressions: [{ key: 'vap', operator: 'NotIn', values: ['exempt'] }] } },
  }));
  t.is(b.code, 0, b.stderr);

  const message = "ValidatingAdmissionPolicy 'replicas.example.com' with binding 'replicas-binding.example.com' denied request: failed expression: object.spec.replicas <= 5";
  const create = await until(() => k(['create', 'deployment', 'web', '--image=nginx', '--replicas=6', '-n', 'vap']), (r) => r.code !== 0);
  t.is(create.code, 1);
  t.is(create.stderr.trim(), `error: failed to create deployment: deployments.apps "web" is forbidden: ${message}`);
  for (const { name, path } of c.tools) {
    const manifest = JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'vap' },
      spec: { replicas: 7, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const applied = await c.admin(path, ['apply', '-f', '-'], manifest);
    t.is(applied.stderr.trim(), `The deployments "web" is invalid: : ${message}`, name);
  }
  t.not((await k(['get', 'deployment', 'web', '-n', 'vap'])).code, 0, 'nothing was written');
  t.is((await k(['create', 'deployment', 'small', '--image=nginx', '--replicas=5', '-n', 'vap'])).code, 0);
  // The matchCondition leaves the user 'trusted' out; the binding leaves the labelled namespace out.
  const trusted = await k(['create', 'deployment', 'big', '--image=nginx', '--replicas=6', '-n', 'vap', '--as=trusted', '--as-group=system:masters']);
  t.is(trusted.code, 0, trusted.stderr);
  const free = await k(['create', 'deployment', 'big', '--image=nginx', '--replicas=6', '-n', 'vap-free']);
  t.is(free.code, 0, free.stderr);
  // An update is checked too; deleting the binding lifts the policy.
  const patch = ['patch', 'deployment', 'small', '-n', 'vap', '-p', '{"spec":{"replicas":9}}'];
  const update = await k(patch);
  t.is(update.code, 1);
  t.is(update.stderr.trim(), `The deployments "small" is invalid: : ${message}`);
  t.is((await k(['delete', 'validatingadmissionpolicybinding', 'replicas-binding.example.com'])).code, 0);
  const after = await until(() => k(patch), (r) => r.code === 0);
  t.is(after.code, 0, after.stderr);
});

test.serial('Warn prints a warning and lets the request in; messageExpression and params from a ConfigMap', async (t) => {
  const c = cluster();
  const k = (args: string[], stdin?: string) => c.admin(c.tools[0]!.path, args, stdin);
  t.is((await k(['create', 'namespace', 'vap-params'])).code, 0);
  t.is((await k(['create', 'configmap', 'limits', '--from-literal=max=2', '-n', 'vap-params'])).code, 0);
  const p = await k(['create', '-f', '-'], policy('max-replicas.example.com', {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    variables: [{ name: 'max', expression: 'int(params.data.max)' }],
    validations: [{ expression: 'object.spec.replicas <= variables.max', messageExpression: "'replicas must be at most ' + string(variables.max)", reason: 'Forbidden' }],
  }));
  t.is(p.code, 0, p.stderr);
  const b = await k(['create', '-f', '-'], binding('max-replicas-warn', {
    policyName: 'max-replicas.example.com',
    validationActions: ['Warn'],
    paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' },
  }));
  t.is(b.code, 0, b.stderr);
  const warned = await until(() => k(['create', 'deployment', `w${Date.now()}`, '--image=nginx', '--replicas=3', '-n', 'vap-params']), (r) => r.stderr !== '');
  t.is(warned.code, 0, warned.stderr);
  t.is(warned.stderr.trim(), "Warning: Validation failed for ValidatingAdmissionPolicy 'max-replicas.example.com' with binding 'max-replicas-warn': replicas must be at most 2");
  // The same policy under a Deny binding: reason Forbidden is a 403; a missing param is refused.
  const deny = await k(['create', '-f', '-'], binding('max-replicas-deny', { policyName: 'max-replicas.example.com', validationActions: ['Deny'], paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } }));
  t.is(deny.code, 0, deny.stderr);
  const refused = await until(() => k(['create', 'deployment', 'big', '--image=nginx', '--replicas=3', '-n', 'vap-params']), (r) => r.code !== 0);
  t.regex(refused.stderr, /^Warning: Validation failed for .*\nerror: failed to create deployment: deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'max-replicas.example.com' with binding 'max-replicas-deny' denied request: replicas must be at most 2\n$/);
  t.is((await k(['create', 'namespace', 'vap-noparams'])).code, 0);
  const missing = await k(['create', 'deployment', 'd', '--image=nginx', '--replicas=1', '-n', 'vap-noparams']);
  t.is(missing.code, 1);
  t.true(missing.stderr.includes("with binding 'max-replicas-deny' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"), missing.stderr);
  for (const n of ['max-replicas-warn', 'max-replicas-deny']) t.is((await k(['delete', 'validatingadmissionpolicybinding', n])).code, 0);
});

test.serial('a policy whose expression does not compile is refused at create', async (t) => {
  const c = cluster();
  const r = await c.admin(c.tools[0]!.path, ['create', '-f', '-'], policy('bad.example.com', { validations: [{ expression: 'object.spec.replicas < maxReplicas' }] }));
  t.is(r.code, 1);
  t.is(
    r.stderr.trim(),
    'The ValidatingAdmissionPolicy "bad.example.com" is invalid: spec.validations[0].expression: Invalid value: "object.spec.replicas < maxReplicas": ' +
      "compilation failed: ERROR: <input>:1:24: undeclared reference to 'maxReplicas' (in container '')\n | object.spec.replicas < maxReplicas\n | .......................^",
  );
});

test.serial('authorizer: a ConfigMap only from users who may read Secrets there (RBAC of the requesting user)', async (t) => {
  const c = cluster();
  const tool = c.tools[0]!.path;
  const k = (args: string[], stdin?: string) => c.admin(tool, args, stdin);
  t.is((await k(['create', 'namespace', 'vap-authz'])).code, 0);
  t.is((await k(['create', 'role', 'cm-writer', '--verb=create', '--resource=configmaps', '-n', 'vap-authz'])).code, 0);
  t.is((await k(['create', 'rolebinding', 'erin-cm', '--role=cm-writer', '--user=erin', '-n', 'vap-authz'])).code, 0);
  const p = await k(['create', '-f', '-'], JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'secret-readers' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
      validations: [{ expression: "authorizer.group('').resource('secrets').namespace(object.metadata.namespace).check('list').allowed()", messageExpression: "request.userInfo.username + ' may not list secrets'", reason: 'Forbidden' }],
    },
  }));
  t.is(p.code, 0, p.stderr);
  t.is((await k(['create', '-f', '-'], binding('secret-readers', { policyName: 'secret-readers', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vap-authz' } } } }))).code, 0);
  const erin = await c.kubeconfigFor({ token: TOKEN_USERS.erin.token });
  const refused = await until(() => kubectl(tool, erin, ['create', 'configmap', 'e', '-n', 'vap-authz']), (r) => r.code !== 0 && r.stderr.includes('ValidatingAdmissionPolicy'));
  t.is(refused.stderr.trim(), "error: failed to create configmap: configmaps \"e\" is forbidden: ValidatingAdmissionPolicy 'secret-readers' with binding 'secret-readers' denied request: erin may not list secrets");
  t.is((await k(['create', 'configmap', 'a', '-n', 'vap-authz'])).code, 0, 'the admin may list secrets');
});
