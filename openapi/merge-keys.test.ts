import test from 'ava';
import { patchSchemaFor, schemaLookup, type ListStrategy } from './merge-keys.ts';
import { strictDecodingMessage, unknownFieldMessage, unknownFields } from './unknown-fields.ts';

const lookups: { def: string; path: string[]; want: ListStrategy; items?: string }[] = [
  { def: 'io.k8s.api.core.v1.Pod', path: ['spec', 'containers'], want: { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }, items: 'io.k8s.api.core.v1.Container' },
  { def: 'io.k8s.api.core.v1.Pod', path: ['spec', 'containers', 'ports'], want: { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] }, items: 'io.k8s.api.core.v1.ContainerPort' },
  { def: 'io.k8s.api.core.v1.Pod', path: ['spec', 'containers', 'env'], want: { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }, items: 'io.k8s.api.core.v1.EnvVar' },
  { def: 'io.k8s.api.core.v1.Pod', path: ['spec', 'containers', 'volumeMounts'], want: { patchStrategy: 'merge', patchMergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] } },
  { def: 'io.k8s.api.core.v1.Pod', path: ['spec', 'volumes'], want: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
  { def: 'io.k8s.api.core.v1.Pod', path: ['spec', 'tolerations'], want: { listType: 'atomic' } },
  { def: 'io.k8s.api.core.v1.Pod', path: ['metadata', 'finalizers'], want: { patchStrategy: 'merge', listType: 'set' } },
  { def: 'io.k8s.api.core.v1.Pod', path: ['metadata', 'ownerReferences'], want: { patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] } },
  { def: 'io.k8s.api.apps.v1.Deployment', path: ['spec', 'template', 'spec', 'containers'], want: { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
  { def: 'io.k8s.api.apps.v1.Deployment', path: ['spec', 'strategy'], want: { patchStrategy: 'retainKeys' } },
  { def: 'io.k8s.api.apps.v1.Deployment', path: ['spec', 'selector'], want: { mapType: 'atomic' } },
  { def: 'io.k8s.api.core.v1.Service', path: ['spec', 'ports'], want: { patchStrategy: 'merge', patchMergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] } },
  { def: 'io.k8s.api.core.v1.Node', path: ['status', 'conditions'], want: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'map', listMapKeys: ['type'] } },
  { def: 'io.k8s.api.core.v1.ConfigMap', path: ['data'], want: {} },
];
for (const c of lookups) {
  test(`schemaLookup ${c.def.split('.').pop()} ${c.path.join('.')}`, (t) => {
    const node = schemaLookup(c.def, c.path);
    t.truthy(node);
    t.deepEqual(node!.strategy(), c.want);
    if (c.items) t.is(node!.items()?.definition, c.items);
  });
}

test('nodes say what they are; unknown fields have no node', (t) => {
  const pod = patchSchemaFor('io.k8s.api.core.v1.Pod')!;
  t.is(pod.kind, 'struct');
  t.is(pod.definition, 'io.k8s.api.core.v1.Pod');
  t.is(pod.field('metadata')?.field('labels')?.kind, 'map');
  t.is(pod.field('metadata')?.field('labels')?.field('any-key')?.kind, 'scalar');
  t.is(pod.field('spec')?.field('containers')?.kind, 'list');
  t.is(pod.field('nope'), undefined);
  t.is(schemaLookup('io.k8s.api.core.v1.Pod', ['spec', 'nope']), undefined);
  t.is(patchSchemaFor('io.k8s.api.core.v1.Nope'), undefined);
  t.is(schemaLookup('io.k8s.api.apps.v1.ControllerRevision', ['data'])?.kind, 'any');
});

const unknown: { name: string; def: string; body: unknown; want: string[] }[] = [
  { name: 'clean pod', def: 'io.k8s.api.core.v1.Pod', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { x: 'y' } }, spec: { containers: [{ name: 'c' }] } }, want: [] },
  { name: 'typo in spec', def: 'io.k8s.api.core.v1.Pod', body: { spec: { foo: 1, containers: [] } }, want: ['.spec.foo'] },
  { name: 'typo in a container', def: 'io.k8s.api.core.v1.Pod', body: { spec: { containers: [{ name: 'a' }, { name: 'b', imagex: 'i' }] } }, want: ['.spec.containers[1].imagex'] },
  { name: 'top level and nested', def: 'io.k8s.api.apps.v1.Deployment', body: { bogus: 1, spec: { template: { spec: { containers: [{ name: 'c', ports: [{ port: 1 }] }] } } } }, want: ['.bogus', '.spec.template.spec.containers[0].ports[0].port'] },
  { name: 'managedFields keep their fieldsV1', def: 'io.k8s.api.core.v1.ConfigMap', body: { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:data': { 'f:a': {} } } }] } }, want: [] },
  { name: 'raw extensions keep anything', def: 'io.k8s.api.apps.v1.ControllerRevision', body: { data: { anything: { goes: 1 } }, revision: 1 }, want: [] },
  { name: 'CRD schema properties are JSONSchemaProps', def: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', body: { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { a: { type: 'string', bogus: 1 } }, default: { x: 1 } } } }] } }, want: ['.spec.versions[0].schema.openAPIV3Schema.properties.a.bogus'] },
];
for (const c of unknown) {
  test(`unknownFields: ${c.name}`, (t) => {
    t.deepEqual(unknownFields(c.def, c.body), c.want);
  });
}

test('unknown field messages read as upstream', (t) => {
  t.is(unknownFieldMessage('.spec.foo'), 'unknown field "spec.foo"');
  t.is(strictDecodingMessage(['.a', '.spec.b']), 'strict decoding error: unknown field "a", unknown field "spec.b"');
});
