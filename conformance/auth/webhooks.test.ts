// Admission webhooks through kubectl against a real `kubets server`, calling a real HTTPS
// webhook on loopback (admission-webhook.ts): matchConditions in CEL, reinvocation, dry run,
// and what a webhook may not do (patch system metadata, answer a malformed review). Each case
// labels its objects `case=<name>` and its webhooks select on that label, so cases run at once.

import test from 'ava';
import { availableKubectls, kubectl, startKubets, type Kubets } from '../harness.ts';
import { patch, startAdmissionWebhook, type AdmissionWebhook, type Handler } from './admission-webhook.ts';

let kubets: Kubets | undefined;
let hook: AdmissionWebhook | undefined;
let tool = '';
test.before(async () => {
  tool = (await availableKubectls())[0]!.path;
  hook = await startAdmissionWebhook(['admission-hook.default.svc']);
  kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager'] });
});
test.after.always(async () => {
  await kubets?.stop();
  await hook?.close();
});
const k = (args: string[], stdin?: string) => kubectl(tool, kubets!.kubeconfig, args, { stdin });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function webhook(name: string, path: string, kase: string, extra: Record<string, unknown> = {}) {
  return {
    name: `${name}.kubets.test`,
    clientConfig: { url: hook!.url(path), caBundle: hook!.caBundle },
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
    objectSelector: { matchLabels: { case: kase } },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}
const configuration = (kind: 'Validating' | 'Mutating', name: string, webhooks: unknown[]) =>
  JSON.stringify({ apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name }, webhooks });

async function configure(kind: 'Validating' | 'Mutating', name: string, webhooks: unknown[], handlers: Record<string, Handler> = {}): Promise<void> {
  for (const [p, h] of Object.entries(handlers)) hook!.handlers.set(p, h);
  const r = await k(['create', '-f', '-'], configuration(kind, name, webhooks));
  if (r.code !== 0) throw new Error(`configuration ${name}: ${r.stderr}`);
}
const configMap = (name: string, kase: string, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { case: kase, ...labels } }, data: { a: 'b' } });
const callsFor = (path: string, name: string) => hook!.calls.filter((c) => c.path === path && c.request.name === name);

/** Creates until the webhook is seen (the configuration reached the watch cache), then returns that result. */
async function createUntil(make: (attempt: number) => string, seen: (r: { code: number; stderr: string }) => boolean, args: string[] = []) {
  for (let i = 0; ; i++) {
    const r = await k(['create', '-f', '-', ...args], make(i));
    if (seen(r) || i === 40) return r;
    await sleep(100);
  }
}

test('matchConditions: the webhook is called only when every CEL condition holds', async (t) => {
  await configure('Validating', 'cond', [
    webhook('cond', '/cond-deny', 'cond', {
      matchConditions: [
        { name: 'deny-prefix', expression: 'object.metadata.name.startsWith("deny-")' },
        { name: 'on-create', expression: 'request.operation == "CREATE" && oldObject == null' },
        // The admin may list Secrets: the server's authorizer answers for the requesting user.
        { name: 'admin', expression: "authorizer.group('').resource('secrets').namespace('default').check('list').allowed()" },
      ],
    }),
  ], { '/cond-deny': () => ({ allowed: false, status: { code: 403, message: 'denied by condition test' } }) });
  const denied = await createUntil((i) => configMap(`deny-${i}`, 'cond'), (r) => r.code !== 0);
  // The webhook gave a code but no reason: kubectl shows none, as against upstream.
  t.regex(denied.stderr.trim(), /^Error from server: error when creating "STDIN": admission webhook "cond.kubets.test" denied the request: denied by condition test$/);
  const kept = await k(['create', '-f', '-'], configMap('keep-1', 'cond'));
  t.is(kept.code, 0, kept.stderr);
  t.is(callsFor('/cond-deny', 'keep-1').length, 0, 'a false condition skips the call');
  t.is(hook!.calls.find((c) => c.path === '/cond-deny')?.query, 'timeout=10s', 'the timeout is sent as upstream sends it');
});

test('matchConditions: an evaluation error refuses under Fail (403) and skips under Ignore', async (t) => {
  const expr = 'object.data.missing == "x"';
  await configure('Validating', 'cond-err', [
    webhook('cond-fail', '/cond-err', 'cond-fail', { matchConditions: [{ name: 'broken', expression: expr }] }),
    webhook('cond-ignore', '/cond-err', 'cond-ignore', { failurePolicy: 'Ignore', matchConditions: [{ name: 'broken', expression: expr }] }),
  ]);
  const r = await createUntil((i) => configMap(`err-${i}`, 'cond-fail'), (x) => x.code !== 0);
  t.regex(r.stderr.trim(), /^Error from server \(Forbidden\): error when creating "STDIN": configmaps "err-\d+" is forbidden: expression 'object.data.missing == "x"' resulted in error: .*missing/);
  const ignored = await k(['create', '-f', '-'], configMap('ignored-1', 'cond-ignore'));
  t.is(ignored.code, 0, ignored.stderr);
  t.is(hook!.calls.filter((c) => c.path === '/cond-err').length, 0);
});

test('matchConditions are checked when a configuration is written: bad CEL and more than 64 are 422', async (t) => {
  const bad = (name: string, matchConditions: unknown[]) => k(['create', '-f', '-'], configuration('Validating', name, [webhook(name, '/never', name, { matchConditions })]));
  const syntax = await bad('bad-syntax', [{ name: 'c', expression: 'object.metadata.name.startsWith(' }]);
  t.regex(syntax.stderr, /The ValidatingWebhookConfiguration "bad-syntax" is invalid: webhooks\[0\]\.matchConditions\[0\]\.expression: Invalid value: "object\.metadata\.name\.startsWith\(": compilation failed: /);
  const undeclared = await bad('bad-ref', [{ name: 'c', expression: 'params.x == 1' }, { name: 'ok', expression: "authorizer.group('').resource('secrets').check('list').allowed()" }]);
  t.regex(undeclared.stderr, /webhooks\[0\]\.matchConditions\[0\]\.expression: Invalid value: "params\.x == 1": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' \(in container ''\)/);
  t.notRegex(undeclared.stderr, /matchConditions\[1\]/, 'authorizer is declared for webhooks');
  const many = await bad('too-many', Array.from({ length: 65 }, (_, i) => ({ name: `c${i}`, expression: 'true' })));
  t.regex(many.stderr, /webhooks\[0\]\.matchConditions: Too many: 65: must have at most 64 items/);
  const none = await k(['get', 'validatingwebhookconfigurations', '-o', 'name']);
  t.notRegex(none.stdout, /bad-syntax|bad-ref|too-many/, 'nothing was written');
});

test('reinvocationPolicy IfNeeded: a webhook is called again when a later one changed the object', async (t) => {
  const sawB = (req: { object?: { metadata?: { labels?: Record<string, string> } } | null }) => (req.object?.metadata?.labels?.b === 'yes' ? 'saw-b' : 'alone');
  await configure('Mutating', 'reinvoke-1', [
    webhook('first', '/first', 'reinvoke', { reinvocationPolicy: 'IfNeeded' }),
    webhook('never', '/never-again', 'reinvoke', { reinvocationPolicy: 'Never' }),
  ], {
    '/first': (req) => patch([{ op: 'add', path: '/metadata/labels/first', value: sawB(req) }]),
    '/never-again': (req) => patch([{ op: 'add', path: '/metadata/labels/never', value: sawB(req) }]),
  });
  await configure('Mutating', 'reinvoke-2', [webhook('second', '/second', 'reinvoke')], { '/second': () => patch([{ op: 'add', path: '/metadata/labels/b', value: 'yes' }]) });
  const r = await createUntil((i) => configMap(`r-${i}`, 'reinvoke'), (x) => x.code === 0 && hook!.calls.some((c) => c.path === '/second' && c.request.name?.startsWith('r-') === true));
  t.is(r.code, 0, r.stderr);
  const name = hook!.calls.filter((c) => c.path === '/second').at(-1)!.request.name!;
  const got = await k(['get', 'configmap', name, '-o', 'jsonpath={.metadata.labels}']);
  t.deepEqual(JSON.parse(got.stdout), { case: 'reinvoke', first: 'saw-b', never: 'alone', b: 'yes' });
  t.is(callsFor('/first', name).length, 2, 'IfNeeded: called again after /second changed the object');
  t.is(callsFor('/never-again', name).length, 1, 'Never: called once');
});

test('dry run: request.dryRun is sent to webhooks without side effects, nothing is stored', async (t) => {
  await configure('Validating', 'dry', [webhook('dry-none', '/dry', 'dry'), webhook('dry-none-on-dry-run', '/dry', 'dry', { sideEffects: 'NoneOnDryRun' })]);
  const r = await createUntil(() => configMap('dry-1', 'dry'), () => callsFor('/dry', 'dry-1').length > 0, ['--dry-run=server']);
  t.is(r.code, 0, r.stderr);
  const calls = callsFor('/dry', 'dry-1');
  t.true(calls.length >= 2);
  t.true(calls.every((c) => c.request.dryRun === true));
  t.not((await k(['get', 'configmap', 'dry-1'])).code, 0, 'nothing was stored');
});

test('a mutating webhook may not change name, uid or resourceVersion on update', async (t) => {
  const ops: Record<string, unknown[]> = {
    name: [{ op: 'replace', path: '/metadata/name', value: 'renamed' }],
    uid: [{ op: 'replace', path: '/metadata/uid', value: '00000000-0000-0000-0000-000000000000' }],
    rv: [{ op: 'replace', path: '/metadata/resourceVersion', value: '1' }],
  };
  await configure('Mutating', 'sysmeta', [{ ...webhook('sysmeta', '/sysmeta', 'sysmeta'), rules: [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] }], {
    '/sysmeta': (req) => patch(ops[req.object?.metadata?.labels?.field ?? ''] ?? []),
  });
  for (const f of Object.keys(ops)) t.is((await k(['create', '-f', '-'], configMap(`sys-${f}`, 'sysmeta'))).code, 0);
  const label = async (f: string) => {
    for (let i = 0; ; i++) {
      const r = await k(['label', 'configmap', `sys-${f}`, `field=${f}`, '--overwrite']);
      if (r.code !== 0 || i === 40) return r;
      await k(['label', 'configmap', `sys-${f}`, 'field-']);
      await sleep(100);
    }
  };
  const name = await label('name');
  t.is(name.stderr.trim(), 'The ConfigMap "sys-name" is invalid: metadata.name: Invalid value: "renamed": field is immutable');
  const uid = await label('uid');
  t.is(uid.stderr.trim(), 'The ConfigMap "sys-uid" is invalid: metadata.uid: Invalid value: "00000000-0000-0000-0000-000000000000": field is immutable');
  const rv = await label('rv');
  t.is(rv.stderr.trim(), 'Error from server (Conflict): Operation cannot be fulfilled on configmaps "sys-rv": the object has been modified; please apply your changes to the latest version and try again');
  const stored = await k(['get', 'configmap', 'sys-name', 'sys-uid', 'sys-rv', '-o', 'jsonpath={.items[*].metadata.labels.field}']);
  t.is(stored.stdout.trim(), '', 'nothing was written');
});

test('a malformed answer or the wrong uid is refused under Fail (500) and let through under Ignore', async (t) => {
  await configure('Validating', 'malformed', [
    webhook('garbage', '/garbage', 'garbage'),
    webhook('wrong-uid', '/wrong-uid', 'wrong-uid'),
    webhook('wrong-uid-ignore', '/wrong-uid', 'wrong-uid-ignore', { failurePolicy: 'Ignore' }),
  ], { '/garbage': () => 'this is not a review', '/wrong-uid': () => ({ uid: 'not-the-request-uid', allowed: false }) });
  const garbage = await createUntil((i) => configMap(`g-${i}`, 'garbage'), (x) => x.code !== 0);
  t.regex(garbage.stderr.trim(), /^Error from server \(InternalError\): error when creating "STDIN": Internal error occurred: failed calling webhook "garbage.kubets.test": failed to call webhook: couldn't get version\/kind; json parse error: /);
  const wrong = await createUntil((i) => configMap(`w-${i}`, 'wrong-uid'), (x) => x.code !== 0);
  t.regex(wrong.stderr.trim(), /^Error from server \(InternalError\): error when creating "STDIN": Internal error occurred: failed calling webhook "wrong-uid.kubets.test": received invalid webhook response: expected response.uid="[0-9a-f-]{36}", got "not-the-request-uid"$/);
  const ignored = await createUntil((i) => configMap(`wi-${i}`, 'wrong-uid-ignore'), () => hook!.calls.some((c) => c.request.name?.startsWith('wi-') === true));
  t.is(ignored.code, 0, ignored.stderr);
});

test('a webhook reached through clientConfig.service: a selector-less Service and a hand-made EndpointSlice to 127.0.0.1', async (t) => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'admission-hook' }, spec: { ports: [{ name: 'https', port: 8443, targetPort: 9443 }] } };
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'admission-hook-1', labels: { 'kubernetes.io/service-name': 'admission-hook' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'https', port: hook!.port, protocol: 'TCP' }],
  };
  const through = (name: string, port: number, kase: string) => ({
    ...webhook(name, '', kase),
    clientConfig: { service: { namespace: 'default', name: 'admission-hook', port, path: '/by-service' }, caBundle: hook!.caBundle },
  });
  await configure('Validating', 'by-service', [through('by-service', 8443, 'by-service'), through('wrong-port', 444, 'wrong-port')], {
    '/by-service': (req) => ({ allowed: false, status: { code: 403, reason: 'Forbidden', message: `reached through the service for ${req.name}` } }),
  });
  // Before the Service exists: failurePolicy Fail, upstream's URL in the message.
  const missing = await createUntil((i) => configMap(`early-${i}`, 'by-service'), (x) => x.code !== 0);
  t.regex(missing.stderr, /Internal error occurred: failed calling webhook "by-service.kubets.test": failed to call webhook: Post "https:\/\/admission-hook.default.svc:8443\/by-service\?timeout=10s": /);
  t.is((await k(['create', '-f', '-'], JSON.stringify(svc))).code, 0);
  t.is((await k(['create', '-f', '-'], JSON.stringify(slice))).code, 0);
  const r = await createUntil((i) => configMap(`svc-${i}`, 'by-service'), (x) => /reached through the service/.test(x.stderr));
  t.regex(r.stderr.trim(), /^Error from server \(Forbidden\): error when creating "STDIN": admission webhook "by-service.kubets.test" denied the request: reached through the service for svc-\d+$/);
  const port = await k(['create', '-f', '-'], configMap('wrong-port-1', 'wrong-port'));
  t.regex(port.stderr, /failed calling webhook "wrong-port.kubets.test": failed to call webhook: Post "https:\/\/admission-hook.default.svc:444\/by-service\?timeout=10s": no service port 444 found for service "admission-hook"$/m);
});

test('matchPolicy: a rule for autoscaling/v1 HPAs sees an autoscaling/v2 write converted to v1 (Equivalent), not under Exact', async (t) => {
  const rule = { operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] };
  await configure('Mutating', 'equivalent', [
    { ...webhook('hpa-v1', '/hpa-v1', 'equivalent'), rules: [rule] },
    { ...webhook('hpa-v1-exact', '/hpa-exact', 'equivalent'), rules: [rule], matchPolicy: 'Exact' },
  ], {
    // A field only v1 has: the patch is applied at v1 and converted back to what is stored.
    '/hpa-v1': () => patch([{ op: 'replace', path: '/spec/targetCPUUtilizationPercentage', value: 42 }]),
    '/hpa-exact': () => ({ allowed: false, status: { code: 403, message: 'Exact must not match v2' } }),
  });
  const hpa = (name: string) => JSON.stringify({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels: { case: 'equivalent' } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
  });
  const r = await createUntil((i) => hpa(`eq-${i}`), () => hook!.calls.some((c) => c.path === '/hpa-v1'));
  t.is(r.code, 0, r.stderr);
  const call = hook!.calls.find((c) => c.path === '/hpa-v1')!.request;
  t.deepEqual(call.kind, { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' });
  t.deepEqual(call.resource, { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' });
  t.deepEqual(call.requestKind, { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' });
  t.deepEqual(call.requestResource, { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' });
  t.like(call.object, { apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 80, maxReplicas: 3 } });
  const stored = await k(['get', 'horizontalpodautoscalers.v2.autoscaling', call.name!, '-o', 'jsonpath={.spec.metrics[0].resource.target.averageUtilization}']);
  t.is(stored.stdout, '42', 'the v1 patch reached the stored object');
  t.false(hook!.calls.some((c) => c.path === '/hpa-exact'), 'Exact: no call for a v2 write');
});

test('bad patches: undecodable (failurePolicy decides), not applicable (500), on a DELETE (500)', async (t) => {
  const raw = (text: string) => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(text).toString('base64') });
  await configure('Mutating', 'bad-patch', [
    webhook('undecodable', '/undecodable', 'undecodable'),
    webhook('undecodable-ignore', '/undecodable', 'undecodable-ignore', { failurePolicy: 'Ignore' }),
    webhook('inapplicable', '/inapplicable', 'inapplicable'),
    { ...webhook('on-delete', '/on-delete', 'on-delete'), rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] },
  ], {
    '/undecodable': () => raw('this is not a patch'),
    '/inapplicable': () => patch([{ op: 'remove', path: '/spec/nothing/here' }]),
    '/on-delete': () => patch([{ op: 'add', path: '/metadata/labels/x', value: 'y' }]),
  });
  const undecodable = await createUntil((i) => configMap(`u-${i}`, 'undecodable'), (x) => x.code !== 0);
  t.regex(undecodable.stderr.trim(), /^Error from server \(InternalError\): error when creating "STDIN": Internal error occurred: failed calling webhook "undecodable.kubets.test": received undecodable patch in webhook response: /);
  const ignored = await k(['create', '-f', '-'], configMap('ui-1', 'undecodable-ignore'));
  t.is(ignored.code, 0, ignored.stderr);
  const inapplicable = await k(['create', '-f', '-'], configMap('ia-1', 'inapplicable'));
  t.regex(inapplicable.stderr.trim(), /^Error from server \(InternalError\): error when creating "STDIN": Internal error occurred: /);
  t.not((await k(['get', 'configmap', 'ia-1'])).code, 0, 'nothing was written');
  t.is((await k(['create', '-f', '-'], configMap('del-1', 'on-delete'))).code, 0);
  const del = await k(['delete', 'configmap', 'del-1']);
  t.is(del.stderr.trim(), 'Error from server (InternalError): Internal error occurred: admission webhook "on-delete.kubets.test" attempted to modify the object, which is not supported for this operation');
  t.is((await k(['get', 'configmap', 'del-1'])).code, 0, 'still there');
});
