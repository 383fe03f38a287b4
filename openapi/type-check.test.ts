import test from 'ava';
import { performance } from 'node:perf_hooks';
import { builtinDefinitions, INT_OR_STRING, QUANTITY } from './definitions.ts';
import { definitionChecker, typeAndUnknownFields, typeProblems } from './type-check.ts';

const POD = 'io.k8s.api.core.v1.Pod';

// [name, body, the problems: path, kind, expected types]
const podCases: Array<[string, unknown, Array<[string, string, string[]]>]> = [
  ['a valid Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, []],
  [
    'wrong scalar types and an int32 out of range',
    { metadata: { labels: { a: 1 } }, spec: { hostNetwork: 'yes', containers: [{ name: 1, ports: [{ containerPort: 3e9 }] }] } },
    [
      ['metadata.labels.a', 'type', ['string']],
      ['spec.hostNetwork', 'type', ['boolean']],
      ['spec.containers.0.name', 'type', ['string']],
      ['spec.containers.0.ports.0.containerPort', 'range', ['integer']],
    ],
  ],
  [
    'an object for a list, a string for a list, a number for a string, deep',
    { spec: { containers: { name: 'c' }, volumes: [{ name: 'v', configMap: { items: 'x' } }] }, status: { conditions: [{ type: 5 }] } },
    [
      ['spec.containers', 'type', ['array']],
      ['spec.volumes.0.configMap.items', 'type', ['array']],
      ['status.conditions.0.type', 'type', ['string']],
    ],
  ],
  ['a list for the object itself', [], [['', 'type', ['object']]]],
];
for (const [name, body, want] of podCases) {
  test(`Pod: ${name}`, (t) => {
    t.deepEqual(typeProblems(POD, body).map((p) => [p.path.join('.'), p.problem, p.expected]), want);
  });
}

test('recursive definitions (JSONSchemaProps) are checked at every depth', (t) => {
  const crd = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';
  const deep = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 7 } } } } };
  const body = { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: deep } }] } };
  const problems = typeProblems(crd, body);
  t.deepEqual(
    problems.map((p) => [p.path.join('.'), p.problem, p.expected]),
    [['spec.versions.0.schema.openAPIV3Schema.properties.a.properties.b.type', 'type', ['string']]],
  );
});

test('null (and undefined) is accepted anywhere; integers fit number fields; ranges follow the format', (t) => {
  t.deepEqual(typeProblems(POD, { spec: null, metadata: { labels: null } }), []);
  t.deepEqual(typeProblems('io.k8s.api.core.v1.Node', { metadata: { name: 'n', namespace: undefined } }), [], 'undefined is an absent key');
  t.deepEqual(typeProblems('io.k8s.api.core.v1.PodSpec', { containers: [{ name: 'c', ports: [{ containerPort: 1.5 }] }] }), [
    { path: ['containers', 0, 'ports', 0, 'containerPort'], problem: 'type', expected: ['integer'], value: 1.5 },
  ]);
  t.deepEqual(typeProblems('io.k8s.api.core.v1.PodSpec', { activeDeadlineSeconds: 2 ** 40 }), [], 'int64');
  t.is(typeProblems('io.k8s.api.core.v1.ContainerPort', { containerPort: 2 ** 31 })[0]?.problem, 'range');
  t.deepEqual(typeProblems(QUANTITY, 1.5), []);
  t.deepEqual(typeProblems(INT_OR_STRING, '50%'), []);
  t.is(typeProblems(INT_OR_STRING, true)[0]?.problem, 'type');
});

test('every builtin definition gets a checker, and an empty object passes it', (t) => {
  const names = Object.keys(builtinDefinitions().definitions);
  const started = performance.now();
  for (const n of names) {
    t.truthy(definitionChecker(n), n);
    t.deepEqual(typeProblems(n, {}).filter((p) => p.path.length > 0), [], n);
  }
  t.log(`checkers for all ${names.length} definitions: ${(performance.now() - started).toFixed(1)} ms`);
  t.is(definitionChecker('io.k8s.api.core.v1.Nope'), undefined);
});

test('one walk gives the type problems and the fields a struct does not declare', (t) => {
  const r = typeAndUnknownFields(POD, { metadata: { name: 'a', bogus: 1 }, spec: { containers: [{ name: 'c', imagex: 'i', ports: 'no' }] } });
  t.deepEqual(r.problems.map((p) => p.path.join('.')), ['spec.containers.0.ports']);
  t.deepEqual(r.unknownFields, ['.metadata.bogus', '.spec.containers[0].imagex']);
  t.deepEqual(typeAndUnknownFields(POD, { metadata: { labels: { any: 'key' } } }).unknownFields, [], 'a map takes any key');
});
