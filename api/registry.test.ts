import test from 'ava';
import { Registry, builtinResources, compareKubeVersions } from './registry.ts';
import type { ResourceType, Verb } from './types.ts';

const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

test('every entry names its kind, plural, singular and OpenAPI definition', (t) => {
  for (const rt of builtinResources) {
    const id = `${rt.group}/${rt.version}/${rt.plural}`;
    t.regex(rt.plural, /^[a-z]+$/, id);
    t.is(rt.singular, rt.kind.toLowerCase(), id);
    t.regex(rt.kind, /^[A-Z][A-Za-z]+$/, id);
    t.truthy(rt.openapiName?.endsWith(`.${rt.version}.${rt.kind}`), id);
    t.is(rt.hasStatus === true, (rt.subresources ?? []).some((s) => s.name === 'status'), id);
  }
});

test('group/version/plural is unique', (t) => {
  const keys = builtinResources.map((rt) => `${rt.group}/${rt.version}/${rt.plural}`);
  t.is(new Set(keys).size, keys.length);
});

test('short names are unique across groups, except the same resource in two versions or APIs', (t) => {
  const owner = new Map<string, string>();
  for (const rt of builtinResources) {
    for (const s of rt.shortNames ?? []) {
      const prev = owner.get(s);
      // events/ev is served by core/v1 and events.k8s.io/v1, hpa by autoscaling v1 and v2.
      if (prev !== undefined) t.is(prev, rt.plural, `short name ${s}`);
      owner.set(s, rt.plural);
    }
  }
  t.true(owner.size > 20);
});

interface Expect {
  gvr: [string, string, string];
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  subresources?: string[];
  openapiName: string;
}

const cases: Expect[] = [
  { gvr: ['', 'v1', 'pods'], kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs: ALL,
    subresources: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize', 'status'],
    openapiName: 'io.k8s.api.core.v1.Pod' },
  { gvr: ['', 'v1', 'namespaces'], kind: 'Namespace', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['finalize', 'status'],
    openapiName: 'io.k8s.api.core.v1.Namespace' },
  { gvr: ['', 'v1', 'componentstatuses'], kind: 'ComponentStatus', namespaced: false, shortNames: ['cs'],
    verbs: ['get', 'list'], openapiName: 'io.k8s.api.core.v1.ComponentStatus' },
  { gvr: ['', 'v1', 'bindings'], kind: 'Binding', namespaced: true, verbs: ['create'], openapiName: 'io.k8s.api.core.v1.Binding' },
  { gvr: ['', 'v1', 'resourcequotas'], kind: 'ResourceQuota', namespaced: true, shortNames: ['quota'], verbs: ALL,
    subresources: ['status'], openapiName: 'io.k8s.api.core.v1.ResourceQuota' },
  { gvr: ['', 'v1', 'serviceaccounts'], kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'], verbs: ALL,
    subresources: ['token'], openapiName: 'io.k8s.api.core.v1.ServiceAccount' },
  { gvr: ['apps', 'v1', 'deployments'], kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'],
    verbs: ALL, subresources: ['scale', 'status'], openapiName: 'io.k8s.api.apps.v1.Deployment' },
  { gvr: ['batch', 'v1', 'cronjobs'], kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'],
    verbs: ALL, subresources: ['status'], openapiName: 'io.k8s.api.batch.v1.CronJob' },
  { gvr: ['autoscaling', 'v2', 'horizontalpodautoscalers'], kind: 'HorizontalPodAutoscaler', namespaced: true,
    shortNames: ['hpa'], categories: ['all'], verbs: ALL, subresources: ['status'],
    openapiName: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler' },
  { gvr: ['networking.k8s.io', 'v1', 'networkpolicies'], kind: 'NetworkPolicy', namespaced: true, shortNames: ['netpol'],
    verbs: ALL, openapiName: 'io.k8s.api.networking.v1.NetworkPolicy' },
  { gvr: ['certificates.k8s.io', 'v1', 'certificatesigningrequests'], kind: 'CertificateSigningRequest', namespaced: false,
    shortNames: ['csr'], verbs: ALL, subresources: ['approval', 'status'],
    openapiName: 'io.k8s.api.certificates.v1.CertificateSigningRequest' },
  { gvr: ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions'], kind: 'CustomResourceDefinition', namespaced: false,
    shortNames: ['crd', 'crds'], categories: ['api-extensions'], verbs: ALL, subresources: ['status'],
    openapiName: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition' },
  { gvr: ['apiregistration.k8s.io', 'v1', 'apiservices'], kind: 'APIService', namespaced: false,
    categories: ['api-extensions'], verbs: ALL, subresources: ['status'],
    openapiName: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService' },
  { gvr: ['authorization.k8s.io', 'v1', 'localsubjectaccessreviews'], kind: 'LocalSubjectAccessReview', namespaced: true,
    verbs: ['create'], openapiName: 'io.k8s.api.authorization.v1.LocalSubjectAccessReview' },
  { gvr: ['storage.k8s.io', 'v1', 'volumeattributesclasses'], kind: 'VolumeAttributesClass', namespaced: false,
    shortNames: ['vac'], verbs: ALL, openapiName: 'io.k8s.api.storage.v1.VolumeAttributesClass' },
];

const registry = new Registry();
for (const c of cases) {
  test(`discovery facts of ${c.gvr.join('/')}`, (t) => {
    const rt = registry.get(...c.gvr);
    t.truthy(rt);
    const got = rt as ResourceType;
    t.is(got.kind, c.kind);
    t.is(got.namespaced, c.namespaced);
    t.deepEqual(got.shortNames ?? [], c.shortNames ?? []);
    t.deepEqual(got.categories ?? [], c.categories ?? []);
    t.deepEqual([...got.verbs].sort(), [...c.verbs].sort());
    t.deepEqual((got.subresources ?? []).map((s) => s.name).sort(), c.subresources ?? []);
    t.is(got.openapiName, c.openapiName);
  });
}

test('subresources serve the kinds upstream discovery names', (t) => {
  const sub = (plural: string, name: string, group = '') =>
    registry.get(group, 'v1', plural)?.subresources?.find((s) => s.name === name);
  t.deepEqual(sub('deployments', 'scale', 'apps'), { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  t.like(sub('pods', 'eviction'), { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
  t.like(sub('pods', 'exec'), { kind: 'PodExecOptions', verbs: ['create', 'get'] });
  t.like(sub('pods', 'log'), { kind: 'Pod', verbs: ['get'] });
  t.like(sub('serviceaccounts', 'token'), { kind: 'TokenRequest', group: 'authentication.k8s.io', verbs: ['create'] });
  t.like(sub('namespaces', 'finalize'), { kind: 'Namespace', verbs: ['update'] });
  t.like(sub('nodes', 'proxy'), { kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });
});

test('lookups by kind, plural, singular and short name', (t) => {
  t.is(registry.byKind('apps', 'v1', 'StatefulSet')?.plural, 'statefulsets');
  t.is(registry.byKind('apps', 'v1', 'Pod'), undefined);
  t.deepEqual(registry.find('po').map((rt) => rt.plural), ['pods']);
  t.deepEqual(registry.find('Deployment').map((rt) => `${rt.group}/${rt.plural}`), ['apps/deployments']);
  // Both event APIs answer to "ev"; core comes first, as kubectl resolves it.
  t.deepEqual(registry.find('ev').map((rt) => rt.group), ['', 'events.k8s.io']);
  t.deepEqual(registry.find('events', 'events.k8s.io').map((rt) => rt.group), ['events.k8s.io']);
  // autoscaling/v2 is preferred, so it resolves first.
  t.deepEqual(registry.find('hpa').map((rt) => rt.version), ['v2', 'v1']);
  t.deepEqual(registry.find('nosuchthing'), []);
});

test('groups are listed in upstream discovery order with preferred versions', (t) => {
  const groups = registry.groupVersions();
  t.deepEqual(groups.map((g) => g.group), [
    '', 'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io',
    'autoscaling', 'batch', 'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io',
    'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io',
    'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io',
  ]);
  t.deepEqual(groups.find((g) => g.group === 'autoscaling'), { group: 'autoscaling', versions: ['v2', 'v1'], preferredVersion: 'v2' });
  t.is(registry.preferredVersion(''), 'v1');
  t.is(registry.resources('', 'v1')[0]?.plural, 'bindings');
});

test('register and unregister custom resources in the same registry', (t) => {
  const reg = new Registry();
  const widget = (version: string): ResourceType => ({
    group: 'example.com', version, kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true,
    shortNames: ['wd'], verbs: ALL,
  });
  reg.register(widget('v1beta1'));
  reg.register(widget('v1'));
  reg.register(widget('v1alpha1'));
  const gv = reg.groupVersions().at(-1);
  t.deepEqual(gv, { group: 'example.com', versions: ['v1', 'v1beta1', 'v1alpha1'], preferredVersion: 'v1' });
  t.is(reg.find('wd')[0]?.version, 'v1');
  t.true(reg.unregister('example.com', 'v1', 'widgets'));
  t.false(reg.unregister('example.com', 'v1', 'widgets'));
  t.is(reg.preferredVersion('example.com'), 'v1beta1');
  t.is(new Registry().get('example.com', 'v1beta1', 'widgets'), undefined);
});

test('Kubernetes version ordering', (t) => {
  const vs = ['v1alpha1', 'foo', 'v2', 'v1beta2', 'v1', 'v11alpha2', 'v1beta1', 'bar', 'v3beta1'];
  t.deepEqual([...vs].sort(compareKubeVersions), ['v2', 'v1', 'v3beta1', 'v1beta2', 'v1beta1', 'v11alpha2', 'v1alpha1', 'bar', 'foo']);
});

test('field selectors read the fields upstream indexes', (t) => {
  const pods = registry.get('', 'v1', 'pods');
  const pod = { spec: { nodeName: 'n1', hostNetwork: true }, status: { phase: 'Running' } };
  t.is(pods?.fieldSelectors?.['spec.nodeName']?.(pod), 'n1');
  t.is(pods?.fieldSelectors?.['spec.hostNetwork']?.(pod), 'true');
  t.is(pods?.fieldSelectors?.['spec.schedulerName']?.(pod), '');
  t.is(registry.get('batch', 'v1', 'jobs')?.fieldSelectors?.['status.successful']?.({ status: { succeeded: 3 } }), '3');
  t.is(registry.get('', 'v1', 'nodes')?.fieldSelectors?.['spec.unschedulable']?.({}), 'false');
  t.is(registry.get('', 'v1', 'events')?.fieldSelectors?.['source']?.({ source: { component: 'kubelet' } }), 'kubelet');
  t.deepEqual(Object.keys(registry.get('', 'v1', 'secrets')?.fieldSelectors ?? {}), ['type']);
});
