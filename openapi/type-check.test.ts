import test from 'ava';
import { Ajv } from 'ajv';
import { performance } from 'node:perf_hooks';
import { builtinDefinitions, INT_OR_STRING, QUANTITY } from './definitions.ts';
import type { Schema } from './schema.ts';
import { definitionChecker, typeProblems } from './type-check.ts';

const POD = 'io.k8s.api.core.v1.Pod';

/** The checking form the validator used to hand to ajv: types only, null allowed. */
function ajvForm(s: Schema): Record<string, unknown> {
  const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
  if (ref) return { $ref: `kubets:ref#/definitions/${ref.slice(ref.lastIndexOf('/') + 1)}` };
  if (s['x-kubernetes-preserve-unknown-fields'] || !s.type) return {};
  const out: Record<string, unknown> = { type: s.type, nullable: true };
  if (s.type === 'integer' && s.format === 'int32') [out.minimum, out.maximum] = [-2147483648, 2147483647];
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, ajvForm(p)]));
  if (s.items) out.items = ajvForm(s.items);
  if (typeof s.additionalProperties === 'object') out.additionalProperties = ajvForm(s.additionalProperties);
  return out;
}

// Declared first: it measures the first use of the Pod checker in this process.
test('finds the same problems as an ajv compile of the same schemas, for a fraction of the first-use cost', (t) => {
  const bodies: unknown[] = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    { metadata: { labels: { a: 1 } }, spec: { hostNetwork: 'yes', containers: [{ name: 1, ports: [{ containerPort: 3e9 }] }] } },
    { spec: { containers: { name: 'c' }, volumes: [{ name: 'v', configMap: { items: 'x' } }] }, status: { conditions: [{ type: 5 }] } },
    [],
  ];
  builtinDefinitions(); // built once per process, measured on its own elsewhere
  let started = performance.now();
  for (const b of bodies) typeProblems(POD, b);
  const ours = performance.now() - started;

  const definitions: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(builtinDefinitions().definitions)) definitions[name] = ajvForm(s);
  definitions[QUANTITY] = { type: ['string', 'number'], nullable: true };
  definitions[INT_OR_STRING] = { type: ['integer', 'string'], nullable: true };
  started = performance.now();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'kubets:ref', definitions });
  const validate = ajv.getSchema(`kubets:ref#/definitions/${POD}`)!;
  validate(bodies[0]);
  const reference = performance.now() - started;

  for (const b of bodies) {
    validate(b);
    const theirs = (validate.errors ?? []).map((e) => e.instancePath).sort();
    const mine = typeProblems(POD, b).map((p) => `/${p.path.join('/')}`.replace(/^\/$/, '')).sort();
    t.deepEqual(mine, [...new Set(theirs)], JSON.stringify(b));
  }
  t.log(`first Pod check: type-check ${ours.toFixed(1)} ms (build + 4 bodies), ajv compile ${reference.toFixed(0)} ms`);
});

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
