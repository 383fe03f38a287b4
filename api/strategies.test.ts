import test from 'ava';
import type { KubeObject, Strategy } from './types.ts';
import { builtinResources } from './registry.ts';

// Every built-in kind's strategy as its registry entry carries it, keyed "<group>/<Kind>".
const strategies: Record<string, Strategy> = Object.fromEntries(
  builtinResources.filter((rt) => rt.strategy && !rt.convert).map((rt) => [`${rt.group}/${rt.kind}`, rt.strategy!]),
);

const ctx = { now: new Date(0) };
const ns = (name: string) => ({ name, namespace: 'default' });

function create(key: string, obj: KubeObject): KubeObject {
  strategies[key].prepareForCreate?.(obj, ctx);
  return obj;
}
const errors = (key: string, obj: KubeObject) => (strategies[key].validate?.(obj) ?? []).map((e) => `${e.field}: ${e.detail}`);

test('every strategy validates object metadata', (t) => {
  for (const [key, s] of Object.entries(strategies)) {
    const errs = s.validate?.({ metadata: {} }) ?? [];
    t.true(
      errs.some((e) => e.field === 'metadata.name' && e.detail === 'Required value: name or generateName is required'),
      key,
    );
  }
});

// Valid objects after defaulting: [key, object, expected fields after prepareForCreate].
const valid: Array<[string, KubeObject, Record<string, unknown>]> = [
  ['/ConfigMap', { metadata: ns('cm'), data: { 'app.properties': 'a=b' } }, {}],
  ['/Secret', { metadata: ns('s'), stringData: { password: 'hunter2' } }, { type: 'Opaque', data: { password: 'aHVudGVyMg==' } }],
  ['/Namespace', { metadata: { name: 'team-a' } }, { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' }, metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } } }],
  ['/PersistentVolumeClaim', { metadata: ns('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, { spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
  ['/PersistentVolume', { metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } } }, { spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
  ['/Node', { metadata: { name: 'n1' }, status: { capacity: { cpu: '4', pods: '110' } } }, { status: { allocatable: { cpu: '4', pods: '110' } } }],
  ['rbac.authorization.k8s.io/ClusterRole', { metadata: { name: 'system:controller:x' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }, {}],
  ['rbac.authorization.k8s.io/RoleBinding', { metadata: ns('rb'), roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }] }, { roleRef: { apiGroup: 'rbac.authorization.k8s.io' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io' }] }],
  ['scheduling.k8s.io/PriorityClass', { metadata: { name: 'high' }, value: 1000 }, { preemptionPolicy: 'PreemptLowerPriority' }],
  ['storage.k8s.io/StorageClass', { metadata: { name: 'local' }, provisioner: 'rancher.io/local-path' }, { reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' }],
  ['networking.k8s.io/NetworkPolicy', { metadata: ns('np'), spec: { egress: [{ ports: [{ port: 53 }] }] } }, { spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }],
  ['networking.k8s.io/Ingress', { metadata: ns('ing'), spec: { rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, { status: { loadBalancer: {} } }],
  ['autoscaling/HorizontalPodAutoscaler', { metadata: ns('h'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } }, { spec: { minReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] } }],
  ['policy/PodDisruptionBudget', { metadata: ns('pdb'), spec: { minAvailable: '50%', selector: { matchLabels: { a: 'b' } } } }, { status: { disruptionsAllowed: 0 } }],
  ['discovery.k8s.io/EndpointSlice', { metadata: ns('es'), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] }, { ports: [{ port: 80, protocol: 'TCP', name: '' }] }],
  ['coordination.k8s.io/Lease', { metadata: ns('l'), spec: { leaseDurationSeconds: 15 } }, {}],
  ['node.k8s.io/RuntimeClass', { metadata: { name: 'runc' }, handler: 'runc' }, {}],
];
for (const [key, obj, want] of valid) {
  test(`valid ${key}`, (t) => {
    const o = create(key, obj);
    if (Object.keys(want).length > 0) t.like(o, want);
    t.deepEqual(errors(key, o), []);
  });
}

const invalid: Array<[string, KubeObject, string[]]> = [
  ['/ConfigMap', { metadata: ns('cm'), data: { 'a b': 'x' }, binaryData: { 'a b': '' } }, [
    "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    "binaryData[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'binaryData[a b]: Invalid value: "a b": duplicate of key present in data',
  ]],
  ['/Secret', { metadata: ns('tls'), type: 'kubernetes.io/tls', data: {} }, ['data[tls.key]: Required value', 'data[tls.crt]: Required value']],
  ['/Namespace', { metadata: { name: 'a.b' }, spec: { finalizers: ['foo'] } }, [
    "metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
  ]],
  ['/PersistentVolumeClaim', { metadata: ns('d'), spec: { resources: {} } }, ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']],
  ['/PersistentVolume', { metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, ['spec: Required value: must specify a volume type']],
  ['rbac.authorization.k8s.io/Role', { metadata: ns('r'), rules: [{ resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/x'] }] }, [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[1].nonResourceURLs: Invalid value: "[]string{\\"/x\\"}": namespaced rules cannot apply to non-resource URLs',
  ]],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', { metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
  ]],
  ['scheduling.k8s.io/PriorityClass', { metadata: { name: 'system-mine' }, value: 5 }, ["metadata.name: Invalid value: \"system-mine\": priority class names with 'system-' prefix are reserved"]],
  ['scheduling.k8s.io/PriorityClass', { metadata: { name: 'huge' }, value: 2e9 }, ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
  ['policy/PodDisruptionBudget', { metadata: ns('p'), spec: { minAvailable: 1, maxUnavailable: 1 } }, ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set']],
  ['networking.k8s.io/Ingress', { metadata: ns('i'), spec: { rules: [{ http: { paths: [{ path: 'api', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, [
    'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
  ]],
  ['discovery.k8s.io/EndpointSlice', { metadata: ns('es'), endpoints: [] }, ['addressType: Required value']],
  ['storage.k8s.io/StorageClass', { metadata: { name: 'x' } }, ['provisioner: Required value']],
  ['node.k8s.io/RuntimeClass', { metadata: { name: 'x' } }, ['handler: Required value']],
  ['autoscaling/HorizontalPodAutoscaler', { metadata: ns('h'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 5, maxReplicas: 2 } }, [
    'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
  ]],
];
for (const [key, obj, want] of invalid) {
  test(`invalid ${key} ${obj.metadata?.name}`, (t) => t.deepEqual(errors(key, create(key, obj)), want));
}

test('immutable ConfigMap and Secret type', (t) => {
  const old = create('/ConfigMap', { metadata: ns('cm'), data: { a: '1' }, immutable: true });
  const next = { ...structuredClone(old), data: { a: '2' } };
  t.deepEqual(strategies['/ConfigMap'].validateUpdate!(next, old).map((e) => `${e.field}: ${e.detail}`), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  const s = create('/Secret', { metadata: ns('s') });
  t.deepEqual(strategies['/Secret'].validateUpdate!({ ...structuredClone(s), type: 'kubernetes.io/tls', data: { 'tls.key': '', 'tls.crt': '' } }, s).map((e) => `${e.field}: ${e.detail}`), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
  ]);
});

test('RoleBinding roleRef cannot change; namespace finalizers only via finalize', (t) => {
  const rb = create('rbac.authorization.k8s.io/RoleBinding', { metadata: ns('rb'), roleRef: { kind: 'Role', name: 'a' } });
  const moved = { ...structuredClone(rb), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' } };
  t.deepEqual(strategies['rbac.authorization.k8s.io/RoleBinding'].validateUpdate!(moved, rb).map((e) => e.field), ['roleRef']);
  const nsOld = create('/Namespace', { metadata: { name: 'x' } });
  const nsNew: KubeObject = { metadata: { name: 'x' }, spec: { finalizers: [] } };
  strategies['/Namespace'].prepareForUpdate!(nsNew, nsOld, ctx);
  t.deepEqual(nsNew.spec, { finalizers: ['kubernetes'] });
});

test('PVC spec is immutable except growth of bound claims', (t) => {
  const old = create('/PersistentVolumeClaim', { metadata: ns('d'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  const grow = structuredClone(old);
  (grow.spec as { resources: { requests: { storage: string } } }).resources.requests.storage = '2Gi';
  t.deepEqual(strategies['/PersistentVolumeClaim'].validateUpdate!(grow, old).map((e) => e.field), ['spec']);
  const bound = { ...structuredClone(old), status: { phase: 'Bound', capacity: { storage: '1Gi' } } };
  t.deepEqual(strategies['/PersistentVolumeClaim'].validateUpdate!(grow, bound), []);
  const bind = structuredClone(old);
  (bind.spec as { volumeName: string }).volumeName = 'pv-1';
  t.deepEqual(strategies['/PersistentVolumeClaim'].validateUpdate!(bind, old), []);
});
