import test from 'ava';
import type { KubeObject } from '../../../../../api/types.ts';
import { admissionDeps, attributes, refusal } from '../../../../../testing/admission.ts';
import { podSecurity } from './index.ts';

const L = 'pod-security.kubernetes.io/';
const namespaces: Record<string, KubeObject> = {
  strict: { metadata: { name: 'strict', labels: { [`${L}enforce`]: 'restricted', [`${L}audit`]: 'restricted' } } },
  warned: { metadata: { name: 'warned', labels: { [`${L}warn`]: 'baseline', [`${L}warn-version`]: 'v1.30', [`${L}audit`]: 'restricted' } } },
  open: { metadata: { name: 'open' } },
};
const pods: KubeObject[] = [
  { metadata: { name: 'b', namespace: 'open' }, spec: { hostNetwork: true, containers: [{ name: 'c' }] } },
  { metadata: { name: 'a', namespace: 'open' }, spec: { hostNetwork: true, containers: [{ name: 'c' }] } },
  { metadata: { name: 'z', namespace: 'open' }, spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } },
  { metadata: { name: 'fine', namespace: 'open' }, spec: { containers: [{ name: 'c' }] } },
];
const plugin = podSecurity(admissionDeps({
  getObject: async (_g, resource, _ns, name) => (resource === 'namespaces' ? namespaces[name] : undefined),
  listObjects: async (_g, resource, ns) => (resource === 'pods' ? pods.filter((p) => p.metadata?.namespace === ns) : []),
}));
const bare = (ns: string, name = 'x'): KubeObject => ({ metadata: { name, namespace: ns }, spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } });

const refused = (a: ReturnType<typeof attributes>) => refusal(plugin.validate, a);

test('enforce refuses a violating pod with upstream message, and audits it', async (t) => {
  const a = attributes('CREATE', 'pods', { object: bare('strict') });
  const e = await refused(a);
  t.is(e?.code, 403);
  t.is(e?.reason, 'Forbidden');
  t.true(e?.message.startsWith('pods "x" is forbidden: violates PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true'));
  t.is(a.auditAnnotations?.[`${L}enforce-policy`], 'restricted:latest');
  t.regex(a.auditAnnotations?.[`${L}audit-violations`] ?? '', /^would violate PodSecurity "restricted:latest": privileged/);
});

test('warn adds a Warning and lets the pod in; audit annotates', async (t) => {
  const a = attributes('CREATE', 'pods', { object: bare('warned') });
  t.is(await refused(a), undefined);
  t.deepEqual(a.warnings, ['would violate PodSecurity "baseline:v1.30": privileged (container "c" must not set securityContext.privileged=true)']);
  t.regex(a.auditAnnotations?.[`${L}audit-violations`] ?? '', /allowPrivilegeEscalation != false/);
});

test('an unlabelled namespace checks nothing', async (t) => {
  const a = attributes('CREATE', 'pods', { object: bare('open') });
  t.is(await refused(a), undefined);
  t.deepEqual(a.warnings, []);
});

test('pod status and other ignored subresources are not checked; an update that changes no image is not', async (t) => {
  t.is(await refused(attributes('UPDATE', 'pods', { object: bare('strict'), oldObject: bare('strict'), subresource: 'status' })), undefined);
  t.is(await refused(attributes('UPDATE', 'pods', { object: bare('strict'), oldObject: bare('strict') })), undefined);
  const changed = bare('strict');
  (changed.spec as { containers: { image: string }[] }).containers[0]!.image = 'busybox:2';
  t.is((await refused(attributes('UPDATE', 'pods', { object: changed, oldObject: bare('strict') })))?.code, 403);
});

test('a Deployment in an enforcing namespace is let in; its template warns where warn asks', async (t) => {
  const template = { metadata: { labels: { app: 'x' } }, spec: bare('x').spec };
  const strict = attributes('CREATE', 'deployments', { group: 'apps', object: { metadata: { name: 'd', namespace: 'strict' }, spec: { template } } });
  t.is(await refused(strict), undefined);
  t.regex(strict.auditAnnotations?.[`${L}audit-violations`] ?? '', /privileged/);
  const warned = attributes('CREATE', 'cronjobs', { group: 'batch', object: { metadata: { name: 'cj', namespace: 'warned' }, spec: { jobTemplate: { spec: { template } } } } });
  t.is(await refused(warned), undefined);
  t.deepEqual(warned.warnings, ['would violate PodSecurity "baseline:v1.30": privileged (container "c" must not set securityContext.privileged=true)']);
});

test('a namespace with a bad label is Invalid', async (t) => {
  const e = await refused(attributes('CREATE', 'namespaces', { object: { metadata: { name: 'n', labels: { [`${L}enforce`]: 'nope' } } } }));
  t.is(e?.code, 422);
  t.is(e?.message, 'Namespace "n" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "nope": must be one of privileged, baseline, restricted');
});

test('a stricter enforce label warns about the pods already there, grouped as upstream', async (t) => {
  const a = attributes('UPDATE', 'namespaces', { object: { metadata: { name: 'open', labels: { [`${L}enforce`]: 'baseline' } } }, oldObject: { metadata: { name: 'open' } } });
  t.is(await refused(a), undefined);
  t.deepEqual(a.warnings, [
    'existing pods in namespace "open" violate the new PodSecurity enforce level "baseline:latest"',
    'a (and 1 other pod): host namespaces',
    'z: privileged',
  ]);
  const relaxed = attributes('UPDATE', 'namespaces', { object: { metadata: { name: 'open', labels: { [`${L}enforce`]: 'baseline' } } }, oldObject: { metadata: { name: 'open', labels: { [`${L}enforce`]: 'restricted' } } } });
  await plugin.validate!(relaxed);
  t.deepEqual(relaxed.warnings, []);
});
