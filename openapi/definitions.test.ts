import test from 'ava';
import { builtinResources } from '../api/registry.ts';
import { builtinDefinitions, definitionForKind } from './definitions.ts';
import { classNames } from './names.ts';
import { ANY_FIELDS, FIELD_SEMANTICS, QUANTITY_FIELDS, RETAIN_KEYS_FIELDS } from './overlay.ts';
import { parseDts } from './source.ts';

const defs = () => builtinDefinitions().definitions;

const names: [string, string][] = [
  ['V1Pod', 'io.k8s.api.core.v1.Pod'],
  ['V1ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
  ['V1Deployment', 'io.k8s.api.apps.v1.Deployment'],
  ['V1PodTemplateSpec', 'io.k8s.api.core.v1.PodTemplateSpec'],
  ['V1NodeSelector', 'io.k8s.api.core.v1.NodeSelector'],
  ['V1JobTemplateSpec', 'io.k8s.api.batch.v1.JobTemplateSpec'],
  ['V1Eviction', 'io.k8s.api.policy.v1.Eviction'],
  ['V1Scale', 'io.k8s.api.autoscaling.v1.Scale'],
  ['V2HorizontalPodAutoscaler', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler'],
  ['CoreV1Event', 'io.k8s.api.core.v1.Event'],
  ['EventsV1Event', 'io.k8s.api.events.v1.Event'],
  ['RbacV1Subject', 'io.k8s.api.rbac.v1.Subject'],
  ['V1CustomResourceDefinition', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'],
  ['V1APIService', 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService'],
  ['V1alpha1StorageVersion', 'io.k8s.api.apiserverinternal.v1alpha1.StorageVersion'],
  ['VersionInfo', 'io.k8s.apimachinery.pkg.version.Info'],
];
for (const [cls, def] of names) {
  test(`class ${cls} is named ${def}`, (t) => {
    t.is(classNames().get(cls)?.definition, def);
    t.truthy(defs()[def]);
  });
}

test('every client-node class gets one distinct definition', (t) => {
  const seen = new Set([...classNames().values()].map((c) => c.definition));
  t.is(seen.size, classNames().size);
});

test('Pod and Deployment carry their group-version-kind and descriptions', (t) => {
  const pod = defs()['io.k8s.api.core.v1.Pod'];
  t.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  t.regex(pod.description ?? '', /containers/);
  const dep = defs()['io.k8s.api.apps.v1.Deployment'];
  t.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  t.is(dep.properties?.spec.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
  t.is(defs()['io.k8s.api.core.v1.PodSpec']['x-kubernetes-group-version-kind'], undefined);
});

const props: [string, string, Record<string, unknown>][] = [
  ['io.k8s.api.core.v1.Container', 'name', { type: 'string' }],
  ['io.k8s.api.core.v1.ContainerPort', 'containerPort', { type: 'integer', format: 'int32' }],
  ['io.k8s.api.core.v1.PodSpec', 'activeDeadlineSeconds', { type: 'integer', format: 'int64' }],
  ['io.k8s.api.core.v1.PodSpec', 'hostNetwork', { type: 'boolean' }],
  ['io.k8s.api.core.v1.Secret', 'data', { type: 'object', additionalProperties: { type: 'string', format: 'byte' } }],
  ['io.k8s.api.core.v1.ConfigMap', 'data', { type: 'object', additionalProperties: { type: 'string' } }],
  ['io.k8s.api.core.v1.ResourceRequirements', 'limits', { type: 'object', additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } }],
  ['io.k8s.api.core.v1.ServicePort', 'targetPort', { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }],
  ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp', { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }],
  ['io.k8s.api.coordination.v1.LeaseSpec', 'renewTime', { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime' }],
  ['io.k8s.api.apps.v1.ControllerRevision', 'data', { $ref: '#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension' }],
  ['io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', 'continue', { type: 'string' }],
];
for (const [def, field, want] of props) {
  test(`${def}.${field} has the upstream type`, (t) => {
    const p = { ...defs()[def].properties?.[field] };
    delete p.description;
    t.deepEqual(p, want);
  });
}

test('required comes from non-optional properties', (t) => {
  t.deepEqual(defs()['io.k8s.api.core.v1.Container'].required, ['name']);
  t.deepEqual(defs()['io.k8s.api.core.v1.PodSpec'].required, ['containers']);
  t.is(defs()['io.k8s.api.core.v1.Pod'].required, undefined);
});

test('merge keys and list types of the overlay', (t) => {
  const spec = defs()['io.k8s.api.core.v1.PodSpec'].properties!;
  t.is(spec.containers['x-kubernetes-patch-merge-key'], 'name');
  t.is(spec.containers['x-kubernetes-patch-strategy'], 'merge');
  t.is(spec.containers['x-kubernetes-list-type'], 'map');
  t.is(spec.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  t.deepEqual(defs()['io.k8s.api.core.v1.Container'].properties!.ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  t.is(defs()['io.k8s.api.apps.v1.DeploymentSpec'].properties!.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  t.is(defs()['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type'], 'atomic');
});

test('every overlay entry names a real definition and field', (t) => {
  const tables: Record<string, Iterable<string>> = {};
  for (const [d, f] of Object.entries(FIELD_SEMANTICS)) tables[`sem ${d}`] = Object.keys(f);
  for (const [d, f] of Object.entries(QUANTITY_FIELDS)) tables[`qty ${d}`] = f;
  for (const [d, f] of Object.entries(RETAIN_KEYS_FIELDS)) tables[`retain ${d}`] = f;
  for (const [d, f] of Object.entries(ANY_FIELDS)) tables[`any ${d}`] = Object.keys(f);
  for (const [key, fields] of Object.entries(tables)) {
    const def = defs()[key.slice(key.indexOf(' ') + 1)];
    t.truthy(def, key);
    for (const f of fields) t.truthy(def?.properties?.[f], `${key}.${f}`);
  }
});

test('every built-in resource of the registry has a definition', (t) => {
  const missing = builtinResources.filter((r) => !definitionForKind(r)).map((r) => `${r.group}/${r.version}/${r.kind}`);
  t.deepEqual(missing, []);
});

test('parseDts reads class and property comments and optionality', (t) => {
  const info = parseDts(
    ["/**\n* A thing\\'s doc.\n*/\nexport declare class V1Thing {", '    /**', '    * The name.', '    */', "    'name': string;", "    'count'?: number;", '}'].join('\n'),
  );
  t.is(info.description, "A thing's doc.");
  t.deepEqual(info.props.get('name'), { description: 'The name.', required: true });
  t.deepEqual(info.props.get('count'), { description: undefined, required: false });
});
