import test from 'ava';
import { AuditPolicyError, parseAuditPolicy, type RequestAttributes } from './policy.ts';

const policy = parseAuditPolicy({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'] },
    { level: 'None', nonResourceURLs: ['/healthz*', '/version'] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }], namespaces: ['kube-system'] },
    { level: 'RequestResponse', resources: [{ group: '', resources: ['pods/log', 'pods/status'] }, { group: 'apps', resources: ['*/scale'] }] },
    { level: 'Request', resources: [{ group: '', resources: ['nodes/*'] }], omitStages: ['ResponseStarted'] },
    { level: 'Metadata', resources: [{ group: '', resources: ['namespaces'], resourceNames: ['default'] }] },
    { level: 'Request', userGroups: ['system:nodes'] },
    { level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io' }], omitManagedFields: true },
  ],
});

const admin = { username: 'admin', groups: ['system:masters'] };
const res = (resource: string, o: Partial<NonNullable<RequestAttributes['resource']>> = {}, verb = 'get', user = admin): RequestAttributes => ({
  user,
  verb,
  path: '',
  resource: { group: '', resource, subresource: '', namespace: 'default', name: '', ...o },
});
const level = (a: RequestAttributes) => policy.evaluate(a).level;

test('the first matching rule decides; no rule means None', (t) => {
  t.is(level(res('pods', {}, 'watch', { username: 'system:kube-proxy', groups: [] })), 'None');
  t.is(level(res('pods', {}, 'list', { username: 'system:kube-proxy', groups: [] })), 'None', 'list matches no rule');
  t.is(level(res('secrets', { namespace: 'kube-system' })), 'Metadata');
  t.is(level(res('secrets')), 'None', 'namespaces narrow the rule');
  t.is(level(res('pods', { subresource: 'log' })), 'RequestResponse');
  t.is(level(res('pods', { subresource: 'exec' })), 'None');
  t.is(level(res('deployments', { group: 'apps', subresource: 'scale' })), 'RequestResponse', '*/scale');
  t.is(level(res('deployments', { group: 'apps' })), 'None');
  t.is(level(res('nodes', { namespace: '' })), 'Request', 'resource/* takes the resource itself too');
  t.is(level(res('nodes', { namespace: '', subresource: 'proxy' })), 'Request');
  t.is(level(res('namespaces', { namespace: '', name: 'default' })), 'Metadata');
  t.is(level(res('namespaces', { namespace: '', name: 'other' })), 'None', 'resourceNames');
  t.is(level(res('pods', {}, 'create', { username: 'system:node:a', groups: ['system:nodes'] })), 'Request', 'userGroups');
  t.is(level(res('roles', { group: 'rbac.authorization.k8s.io' })), 'RequestResponse', 'a group with no resources: all of it');
});

test('non-resource URLs: exact or a trailing * prefix, never for resource requests', (t) => {
  const nr = (path: string) => level({ user: admin, verb: 'get', path });
  t.is(nr('/healthz'), 'None');
  t.is(nr('/healthz/etcd'), 'None');
  t.is(nr('/version'), 'None');
  t.is(nr('/versions'), 'None', 'no rule left matches a non-resource path either');
  t.is(level({ user: { username: 'n', groups: ['system:nodes'] }, verb: 'get', path: '/metrics' }), 'Request', 'a rule with neither resources nor URLs takes both');
});

test('stages: the policy omits plus the rule omits; omitManagedFields per rule or policy', (t) => {
  t.deepEqual(policy.evaluate(res('nodes', { namespace: '' })).omitStages.sort(), ['RequestReceived', 'ResponseStarted']);
  t.deepEqual(policy.evaluate(res('pods', { subresource: 'log' })).omitStages, ['RequestReceived']);
  t.true(policy.evaluate(res('roles', { group: 'rbac.authorization.k8s.io' })).omitManagedFields);
  t.false(policy.evaluate(res('pods', { subresource: 'log' })).omitManagedFields);
});

test('a policy with mistakes is refused, naming each', (t) => {
  const bad = (doc: Record<string, unknown>) => t.throws(() => parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', ...doc }), { instanceOf: AuditPolicyError })!.message;
  t.regex(bad({ rules: [] }), /at least one rule/);
  t.regex(bad({ rules: [{ level: 'Everything' }] }), /rules\[0\]\.level: Unsupported value: "Everything"/);
  t.regex(bad({ rules: [{ level: 'None', omitStages: ['Later'] }] }), /rules\[0\]\.omitStages: Unsupported value: "Later"/);
  t.regex(bad({ rules: [{ level: 'None', nonResourceURLs: ['/x'], resources: [{ resources: ['pods'] }] }] }), /both regular resources and non-resource URLs/);
  t.throws(() => parseAuditPolicy({ apiVersion: 'v1', kind: 'Policy', rules: [] }), { message: /audit\.k8s\.io\/v1/ });
});
