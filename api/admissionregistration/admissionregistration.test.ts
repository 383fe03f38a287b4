import test from 'ava';
import type { KubeObject } from '../types.ts';
import { created, errorsOf as errors } from '../../testing/strategy.ts';
import { mutatingWebhookConfigurations } from './mutating-webhook-configuration/index.ts';
import { validatingWebhookConfigurations } from './validating-webhook-configuration/index.ts';
import { validatingAdmissionPolicies } from './validating-admission-policy/index.ts';
import { validatingAdmissionPolicyBindings } from './validating-admission-policy-binding/index.ts';


const hook = (extra: Record<string, unknown> = {}) => ({
  name: 'check.example.com',
  clientConfig: { service: { namespace: 'hooks', name: 'svc' } },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...extra,
});

test('webhook configurations get upstream v1 defaults', (t) => {
  const m = created(mutatingWebhookConfigurations.strategy, { metadata: { name: 'm' }, webhooks: [hook()] });
  t.like((m.webhooks as unknown[])[0], {
    failurePolicy: 'Fail', matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, timeoutSeconds: 10,
    reinvocationPolicy: 'Never', clientConfig: { service: { port: 443 } }, rules: [{ scope: '*' }],
  });
  t.deepEqual(errors(mutatingWebhookConfigurations.strategy, m), []);
  const v = created(validatingWebhookConfigurations.strategy, { metadata: { name: 'v' }, webhooks: [hook({ failurePolicy: 'Ignore', timeoutSeconds: 3 })] });
  const w = (v.webhooks as Record<string, unknown>[])[0];
  t.like(w, { failurePolicy: 'Ignore', timeoutSeconds: 3 });
  t.false('reinvocationPolicy' in w);
  t.is(m.metadata?.generation, undefined, 'generation is the engine\'s');
  t.deepEqual(mutatingWebhookConfigurations.strategy!.generationFields, ['webhooks']);
});

const webhookCases: Array<[string, Record<string, unknown>, string[]]> = [
  ['sideEffects and admissionReviewVersions are required', { sideEffects: undefined, admissionReviewVersions: undefined }, [
    'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
    'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
  ]],
  ['a name needs three segments', { name: 'check.example' }, ['webhooks[0].name: Invalid value: "check.example": should be a domain with at least three segments separated by dots']],
  ['timeout bounds', { timeoutSeconds: 31 }, ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds']],
  ['url or service', { clientConfig: {} }, ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']],
  ['https only', { clientConfig: { url: 'http://h.example.com/x' } }, ['webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]']],
  ['rule fields', { rules: [{ operations: ['*', 'CREATE'], apiGroups: [], apiVersions: ['v1'], resources: ['*/*', 'pods'], scope: 'Global' }] }, [
    'webhooks[0].rules[0].operations: Invalid value: []string{"*", "CREATE"}: if \'*\' is present, must not specify other operations',
    'webhooks[0].rules[0].apiGroups: Required value',
    'webhooks[0].rules[0].resources: Invalid value: []string{"*/*", "pods"}: if \'*/*\' is present, must not specify other resources',
    'webhooks[0].rules[0].scope: Unsupported value: "Global": supported values: "*", "Cluster", "Namespaced"',
  ]],
  ['unknown policies', { failurePolicy: 'Maybe', sideEffects: 'Some' }, [
    'webhooks[0].failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"',
    'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
  ]],
];
for (const [name, extra, want] of webhookCases) {
  test(`webhook validation: ${name}`, (t) => {
    const obj = created(validatingWebhookConfigurations.strategy, { metadata: { name: 'v' }, webhooks: [hook(extra)] });
    t.deepEqual(errors(validatingWebhookConfigurations.strategy, obj), want);
  });
}

test('webhook names are unique within a configuration', (t) => {
  const obj = created(validatingWebhookConfigurations.strategy, { metadata: { name: 'v' }, webhooks: [hook(), hook()] });
  t.deepEqual(errors(validatingWebhookConfigurations.strategy, obj), ['webhooks[1].name: Duplicate value: "check.example.com"']);
});

const rule = { operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] };

test('ValidatingAdmissionPolicy: failurePolicy Fail and match-constraint defaults', (t) => {
  const s = validatingAdmissionPolicies.strategy;
  const p = created(s, { metadata: { name: 'p' }, spec: { matchConstraints: { resourceRules: [rule] }, validations: [{ expression: 'object.spec.replicas <= 5' }] } });
  t.like(p.spec, { failurePolicy: 'Fail', matchConstraints: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [{ scope: '*' }] } });
  t.deepEqual(errors(s, p), []);
  const bare = created(s, { metadata: { name: 'p' }, spec: {} });
  t.deepEqual(errors(s, bare), [
    'spec.matchConstraints: Required value',
    'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
  ]);
  const bad = created(s, { metadata: { name: 'p' }, spec: { paramKind: { apiVersion: 'v1' }, matchConstraints: {}, validations: [{ expression: ' ', reason: 'Teapot' }] } });
  t.deepEqual(errors(s, bad), [
    'spec.paramKind.kind: Required value',
    'spec.matchConstraints.resourceRules: Required value',
    'spec.validations[0].expression: Required value: expression is not specified',
    'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"',
  ]);
});

test('ValidatingAdmissionPolicyBinding: actions, paramRef and matchResources', (t) => {
  const s = validatingAdmissionPolicyBindings.strategy;
  const b = created(s, { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'], matchResources: { resourceRules: [rule] } } });
  t.like(b.spec, { matchResources: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} } });
  t.deepEqual(errors(s, b), []);
  const noMatch = created(s, { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Audit'] } });
  t.false('matchResources' in (noMatch.spec as object), 'no matchResources is left absent');
  const bad = created(s, { metadata: { name: 'b' }, spec: { validationActions: ['Deny', 'Warn', 'Deny'], paramRef: { name: 'x', selector: {} } } });
  t.deepEqual(errors(s, bad), [
    'spec.policyName: Required value',
    'spec.paramRef.name: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.parameterNotFoundAction: Required value',
    'spec.validationActions[2]: Duplicate value: "Deny"',
    'spec.validationActions: Invalid value: []string{"Deny", "Warn", "Deny"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
  ]);
  t.deepEqual(errors(s, created(s, { metadata: { name: 'b' }, spec: { policyName: 'p' } })), ['spec.validationActions: Required value: at least one validation action is required']);
});

test('ValidatingAdmissionPolicy: an expression that does not compile is refused with cel-go wording', (t) => {
  const s = validatingAdmissionPolicies.strategy;
  const p = created(s, {
    metadata: { name: 'p' },
    spec: {
      matchConstraints: { resourceRules: [rule] },
      variables: [{ name: 'a', expression: 'variables.b' }, { name: 'b', expression: '1' }],
      matchConditions: [{ name: 'm', expression: 'params.x' }],
      validations: [{ expression: 'object.spec.replicas <= ' }, { expression: 'replicas < 5', messageExpression: 'variables.a + [x].size()' }],
    },
  });
  t.deepEqual(errors(s, p), [
    `spec.variables[0].expression: Invalid value: "variables.b": compilation failed: ERROR: <input>:1:10: undefined field 'b'\n | variables.b\n | .........^`,
    `spec.matchConditions[0].expression: Invalid value: "params.x": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n | params.x\n | ^`,
    `spec.validations[0].expression: Invalid value: "object.spec.replicas <= ": compilation failed: ERROR: <input>:1:22: Syntax error: found < but expecting end of input\n | object.spec.replicas <= \n | .....................^`,
    `spec.validations[1].expression: Invalid value: "replicas < 5": compilation failed: ERROR: <input>:1:1: undeclared reference to 'replicas' (in container '')\n | replicas < 5\n | ^`,
    `spec.validations[1].messageExpression: Invalid value: "variables.a + [x].size()": compilation failed: ERROR: <input>:1:16: undeclared reference to 'x' (in container '')\n | variables.a + [x].size()\n | ...............^`,
  ]);
  const ok = created(s, { metadata: { name: 'p' }, spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, matchConstraints: { resourceRules: [rule] }, validations: [{ expression: 'object.spec.containers.all(c, c.image != params.data.image) && type(object) == map' }] } });
  t.deepEqual(errors(s, ok), []);
});
