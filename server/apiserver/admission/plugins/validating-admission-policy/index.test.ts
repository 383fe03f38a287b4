import test from 'ava';
import type { KubeObject } from '../../../../../api/types.ts';
import { attributes, refusal } from '../../../../../testing/admission.ts';
import { Registry } from '../../../../../api/registry.ts';
import { AdmissionChain } from '../../chain.ts';
import type { Attributes } from '../../types.ts';
import { validatingAdmissionPolicy, VALIDATION_FAILURE_ANNOTATION, type PolicyDeps } from './index.ts';

const DEPLOYMENTS = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] };

function policy(name: string, spec: Record<string, unknown>): KubeObject {
  return { metadata: { name }, spec: { failurePolicy: 'Fail', matchConstraints: DEPLOYMENTS, ...spec } } as KubeObject;
}
function binding(name: string, policyName: string, actions: string[], extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name }, spec: { policyName, validationActions: actions, ...extra } } as KubeObject;
}
const REPLICAS = policy('replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] });

const namespaces: Record<string, KubeObject> = {
  default: { metadata: { name: 'default', labels: { env: 'prod' } } },
  dev: { metadata: { name: 'dev', labels: { env: 'dev' } } },
};
const configMaps: KubeObject[] = [
  { metadata: { name: 'limits', namespace: 'default', labels: { kind: 'limit' } }, data: { max: '3' } },
  { metadata: { name: 'other', namespace: 'default', labels: { kind: 'limit' } }, data: { max: '10' } },
];

function chain(policies: KubeObject[], bindings: KubeObject[], authorize?: PolicyDeps['authorize']): AdmissionChain {
  const deps: PolicyDeps = {
    authorize,
    listPolicies: async () => structuredClone(policies),
    listBindings: async () => structuredClone(bindings),
    getObject: async (g, r, ns, n) => (r === 'namespaces' ? namespaces[n] : configMaps.find((c) => c.metadata?.name === n && c.metadata?.namespace === ns)),
    listObjects: async (_g, r, ns) => (r === 'configmaps' ? configMaps.filter((c) => c.metadata?.namespace === ns) : []),
    resourceOfKind: (apiVersion, kind) => (apiVersion === 'v1' && kind === 'ConfigMap' ? { group: '', plural: 'configmaps', namespaced: true } : undefined),
  };
  return new AdmissionChain([validatingAdmissionPolicy(deps)]);
}

function deployment(replicas: number, over: Partial<Attributes> = {}): Attributes {
  const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: over.namespace ?? 'default', labels: { app: 'web' } }, spec: { replicas } };
  return attributes('CREATE', 'deployments', { group: 'apps', object, ...over });
}

const denied = (p: string, b: string, m: string) => `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy '${p}' with binding '${b}' denied request: ${m}`;

test('a failed validation under a Deny binding is refused 422 Invalid with upstream message and cause', async (t) => {
  const c = chain([REPLICAS], [binding('replicas-binding', 'replicas', ['Deny'])]);
  const e = await refusal((a) => c.validate(a), deployment(6));
  t.is(e?.code, 422);
  t.is(e?.reason, 'Invalid');
  const want = denied('replicas', 'replicas-binding', 'failed expression: object.spec.replicas <= 5');
  t.is(e?.message, want);
  t.deepEqual(e?.details, { name: 'web', group: 'apps', kind: 'deployments', causes: [{ message: want.slice(want.indexOf('ValidatingAdmissionPolicy')) }] });
  t.is(await refusal((a) => c.validate(a), deployment(5)), undefined);
});

test('a policy without a binding, or a request it does not match, does nothing', async (t) => {
  t.is(await refusal((a) => chain([REPLICAS], []).validate(a), deployment(9)), undefined);
  t.is(await refusal((a) => chain([REPLICAS], [binding('b', 'other', ['Deny'])]).validate(a), deployment(9)), undefined);
  const pod = attributes('CREATE', 'pods', { object: { metadata: { name: 'p', namespace: 'default' }, spec: { replicas: 9 } } as KubeObject });
  t.is(await refusal((a) => chain([REPLICAS], [binding('b', 'replicas', ['Deny'])]).validate(a), pod), undefined);
  const del = attributes('DELETE', 'deployments', { group: 'apps', oldObject: deployment(9).object });
  t.is(await refusal((a) => chain([REPLICAS], [binding('b', 'replicas', ['Deny'])]).validate(a), del), undefined);
});

test('Warn adds a warning, Audit an audit annotation; neither refuses', async (t) => {
  const c = chain([REPLICAS], [binding('w', 'replicas', ['Warn', 'Audit'])]);
  const a = deployment(6);
  t.is(await refusal((x) => c.validate(x), a), undefined);
  t.deepEqual(a.warnings, ["Validation failed for ValidatingAdmissionPolicy 'replicas' with binding 'w': failed expression: object.spec.replicas <= 5"]);
  t.deepEqual(JSON.parse(a.auditAnnotations![VALIDATION_FAILURE_ANNOTATION]!), [
    { message: 'failed expression: object.spec.replicas <= 5', policy: 'replicas', binding: 'w', expressionIndex: 0, validationActions: ['Warn', 'Audit'] },
  ]);
});

test('message, messageExpression and reason shape the refusal', async (t) => {
  const p = policy('p', {
    validations: [
      { expression: 'object.spec.replicas <= 5', messageExpression: "'replicas must be at most 5, got ' + string(object.spec.replicas)", reason: 'Forbidden' },
      { expression: 'false', message: 'static message', reason: 'RequestEntityTooLarge' },
    ],
  });
  const c = chain([p], [binding('b', 'p', ['Deny'])]);
  let e = await refusal((a) => c.validate(a), deployment(6));
  t.is(e?.code, 403);
  t.is(e?.reason, 'Forbidden');
  t.is(e?.message, denied('p', 'b', 'replicas must be at most 5, got 6'));
  e = await refusal((a) => c.validate(a), deployment(1));
  t.is(e?.code, 413);
  t.is(e?.message, denied('p', 'b', 'static message'));
});

test('matchConditions: every one must be true; request, namespaceObject and variables are there', async (t) => {
  const p = policy('p', {
    matchConditions: [
      { name: 'not-admin', expression: "request.userInfo.username != 'admin'" },
      { name: 'prod-only', expression: "namespaceObject.metadata.labels.env == 'prod'" },
    ],
    variables: [{ name: 'limit', expression: '5' }, { name: 'over', expression: 'object.spec.replicas > variables.limit' }],
    validations: [{ expression: '!variables.over', messageExpression: "request.operation + ' over ' + string(variables.limit)" }],
  });
  const c = chain([p], [binding('b', 'p', ['Deny'])]);
  t.is((await refusal((a) => c.validate(a), deployment(6)))?.message, denied('p', 'b', 'CREATE over 5'));
  t.is(await refusal((a) => c.validate(a), deployment(6, { user: { username: 'admin', groups: [] } })), undefined);
  t.is(await refusal((a) => c.validate(a), deployment(6, { namespace: 'dev' })), undefined);
});

test('evaluation errors follow failurePolicy: Fail refuses, Ignore lets through', async (t) => {
  const spec = { validations: [{ expression: 'object.spec.nope > 1' }] };
  const fail = chain([policy('p', spec)], [binding('b', 'p', ['Deny'])]);
  const e = await refusal((a) => fail.validate(a), deployment(1));
  t.is(e?.code, 422);
  t.is(e?.message, denied('p', 'b', "expression 'object.spec.nope > 1' resulted in error: no such key: nope"));
  const thrown = chain([policy('p', { validations: [{ expression: '[].min() > 0' }] })], [binding('b', 'p', ['Deny'])]);
  t.is((await refusal((a) => thrown.validate(a), deployment(1)))?.message, denied('p', 'b', "expression '[].min() > 0' resulted in error: min/max called on an empty list"));
  const ignore = chain([policy('p', { ...spec, failurePolicy: 'Ignore' })], [binding('b', 'p', ['Deny'])]);
  t.is(await refusal((a) => ignore.validate(a), deployment(1)), undefined);
});

test('the binding narrows the policy: matchResources selectors and excluded rules', async (t) => {
  const narrow = binding('b', 'replicas', ['Deny'], { matchResources: { namespaceSelector: { matchLabels: { env: 'dev' } } } });
  t.is(await refusal((a) => chain([REPLICAS], [narrow]).validate(a), deployment(9)), undefined);
  t.truthy(await refusal((a) => chain([REPLICAS], [narrow]).validate(a), deployment(9, { namespace: 'dev' })));
  const excluded = policy('replicas', { ...REPLICAS.spec as object, matchConstraints: { ...DEPLOYMENTS, excludeResourceRules: [{ ...DEPLOYMENTS.resourceRules[0], resourceNames: ['web'] }] } });
  t.is(await refusal((a) => chain([excluded], [binding('b', 'replicas', ['Deny'])]).validate(a), deployment(9)), undefined);
});

test('params: by name, by selector (once each), and not found per parameterNotFoundAction', async (t) => {
  const p = policy('p', {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: "'at most ' + params.data.max" }],
  });
  const byName = binding('b', 'p', ['Deny'], { paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } });
  t.is((await refusal((a) => chain([p], [byName]).validate(a), deployment(4)))?.message, denied('p', 'b', 'at most 3'));
  t.is(await refusal((a) => chain([p], [byName]).validate(a), deployment(3)), undefined);
  const bySelector = binding('b', 'p', ['Warn'], { paramRef: { selector: { matchLabels: { kind: 'limit' } }, parameterNotFoundAction: 'Deny' } });
  const a = deployment(11);
  await chain([p], [bySelector]).validate(a);
  t.is(a.warnings.length, 2);
  const missing = (action: string) => binding('b', 'p', ['Deny'], { paramRef: { name: 'none', parameterNotFoundAction: action } });
  t.is(await refusal((x) => chain([p], [missing('Allow')]).validate(x), deployment(99)), undefined);
  t.is((await refusal((x) => chain([p], [missing('Deny')]).validate(x), deployment(1)))?.message,
    denied('p', 'b', 'failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction'));
});

test('requests about policies and bindings themselves are exempt', async (t) => {
  const all = policy('all', { matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }, validations: [{ expression: 'false' }] });
  const c = chain([all], [binding('b', 'all', ['Deny'])]);
  const a = attributes('CREATE', 'validatingadmissionpolicybindings', { group: 'admissionregistration.k8s.io', object: { metadata: { name: 'x' } } as KubeObject });
  t.is(await refusal((x) => c.validate(x), a), undefined);
  t.truthy(await refusal((x) => c.validate(x), deployment(1)));
});

test('authorizer: resource and path checks for the requesting user, requestResource, serviceAccount', async (t) => {
  const asked: string[] = [];
  const authorize: PolicyDeps['authorize'] = (r) => {
    const what = r.resource ? `${r.user.username} ${r.verb} ${r.resource.group}/${r.resource.resource}/${r.resource.subresource}/${r.resource.namespace}/${r.resource.name}` : `${r.user.username} ${r.verb} ${r.path}`;
    asked.push(what);
    return { allowed: r.user.username === 'boss' || r.verb === 'get', reason: 'because' };
  };
  const p = policy('p', {
    validations: [
      { expression: "authorizer.group('apps').resource('deployments').subresource('scale').namespace(object.metadata.namespace).name('web').check('update').allowed()", message: 'may not scale' },
      { expression: "authorizer.requestResource.check('create').reason() == 'because' && !authorizer.requestResource.check('create').errored()" },
      { expression: "authorizer.path('/healthz').check('get').allowed()" },
      { expression: "!authorizer.serviceAccount('kube-system', 'robot').group('').resource('secrets').check('list').allowed()" },
    ],
  });
  const c = chain([p], [binding('b', 'p', ['Deny'])], authorize);
  t.is((await refusal((a) => c.validate(a), deployment(1)))?.message, denied('p', 'b', 'may not scale'));
  t.deepEqual(asked, [
    'alice update apps/deployments/scale/default/web',
    'alice create apps/deployments//default/web',
    'alice create apps/deployments//default/web',
    'alice get /healthz',
    'system:serviceaccount:kube-system:robot list /secrets///',
  ]);
  t.is(await refusal((a) => c.validate(a), deployment(1, { user: { username: 'boss', groups: [] } })), undefined);
});

test('matchPolicy Equivalent: a rule for autoscaling/v2 sees a v1 HPA converted; Exact does not match it', async (t) => {
  const registry = new Registry();
  const v1 = registry.get('autoscaling', 'v1', 'horizontalpodautoscalers')!;
  const rules = { resourceRules: [{ apiGroups: ['autoscaling'], apiVersions: ['v2'], operations: ['CREATE'], resources: ['horizontalpodautoscalers'] }] };
  const spec = (matchPolicy: string) => ({
    matchConstraints: { ...rules, matchPolicy },
    validations: [{ expression: "request.kind.version == 'v2' && request.requestKind.version == 'v1' && object.apiVersion == 'autoscaling/v2' && object.spec.metrics[0].resource.target.averageUtilization <= 80", message: 'too hot' }],
  });
  const hpa = {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 90 },
  } as KubeObject;
  const a = () => ({ ...attributes('CREATE', 'horizontalpodautoscalers', { group: 'autoscaling', object: structuredClone(hpa) }), resource: v1 });
  const c = (mp: string) => new AdmissionChain([validatingAdmissionPolicy({
    listPolicies: async () => [policy('p', spec(mp))], listBindings: async () => [binding('b', 'p', ['Deny'])],
    getObject: async () => undefined, listObjects: async () => [], resourceOfKind: () => undefined, resourceTypes: () => registry.all(),
  })]);
  const e = await refusal((x) => c('Equivalent').validate(x), a());
  t.is(e?.message, `horizontalpodautoscalers.autoscaling "h" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: too hot`);
  t.is(await refusal((x) => c('Exact').validate(x), a()), undefined);
});
