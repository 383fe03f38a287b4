import test from 'ava';
import { validateCustomResourceDefinition } from './validation.ts';
import type { CustomResourceDefinition } from './types.ts';
import type { JSONSchemaProps } from '../schema/types.ts';

function crd(schema: JSONSchemaProps, over: Partial<CustomResourceDefinition['spec']> = {}): CustomResourceDefinition {
  return {
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }], ...over },
  };
}
const errs = (c: CustomResourceDefinition) => validateCustomResourceDefinition(c).map((e) => `${e.field}: ${e.detail}`);
const S = 'spec.versions[0].schema.openAPIV3Schema';

const cases: Array<[string, CustomResourceDefinition, string[]]> = [
  ['a structural schema', crd({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } }), []],
  ['an untyped field', crd({ type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } }), [`${S}.properties[spec].type: Required value: must not be empty for specified object fields`]],
  ['metadata beyond name', crd({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }), [`${S}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`]],
  ['a list map without keys', crd({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } } }), [`${S}.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`]],
  ['a default that breaks its schema', crd({ type: 'object', properties: { n: { type: 'integer', maximum: 3, default: 5 } } }), [`${S}.properties[n].default: Invalid value: 5: ${S}.properties[n].default in body should be less than or equal to 3`]],
  ['a rule that does not compile', crd({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==' }] }), []],
  ['a wrong name', { ...crd({ type: 'object' }), metadata: { name: 'w.example.com' } }, ['metadata.name: Invalid value: "w.example.com": must be spec.names.plural+"."+spec.group']],
  ['two storage versions', crd({ type: 'object' }, { versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }, { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] }), ['spec.versions: Invalid value: ["v1","v2"]: must have exactly one version marked as storage version']],
];

for (const [title, c, want] of cases) {
  test(`CRD: ${title}`, (t) => {
    const got = errs(c);
    if (title.includes('compile')) t.true(got.length === 1 && got[0]!.startsWith(`${S}.x-kubernetes-validations[0].rule: Invalid value: "self.a ==": compilation failed`), got.join('\n'));
    else t.deepEqual(got, want);
  });
}

test('CRD: a rule too expensive for its unbounded list is forbidden', (t) => {
  const c = crd({ type: 'object', properties: { l: { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x != y))' }] } } });
  const got = errs(c);
  t.is(got.length, 1);
  t.regex(got[0]!, /^spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[l\]\.x-kubernetes-validations\[0\]\.rule: Forbidden: estimated rule cost exceeds budget by factor of [\d.]+x \(try simplifying the rule/);
});
