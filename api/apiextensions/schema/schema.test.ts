import test from 'ava';
import { validateValue } from './validate.ts';
import { applyDefaults, needsDefaults, prune } from './prune.ts';
import { validateRules } from './cel.ts';
import { estimateRuleCost, RULE_COST_LIMIT } from './cel-cost.ts';
import type { JSONSchemaProps } from './types.ts';

const spec: JSONSchemaProps = {
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
    name: { type: 'string', maxLength: 5, pattern: '^[a-z]+$' },
    mode: { type: 'string', enum: ['a', 'b'] },
    port: { 'x-kubernetes-int-or-string': true },
    id: { type: 'string', format: 'uuid' },
    tags: { type: 'array', maxItems: 2, 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } } },
    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } },
  },
};

const cases: Array<[string, unknown, string[]]> = [
  ['valid', { replicas: 3, name: 'abc', mode: 'a', port: 'http', tags: ['x'] }, []],
  ['type', { replicas: 'x' }, ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']],
  ['maximum', { replicas: 20 }, ['spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10']],
  ['minimum', { replicas: 0 }, ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']],
  ['maxLength', { name: 'abcdefg' }, ['spec.name: Too long: may not be more than 5 bytes']],
  ['pattern', { name: 'A1' }, [`spec.name: Invalid value: "A1": spec.name in body should match '^[a-z]+$'`]],
  ['enum', { mode: 'c' }, ['spec.mode: Unsupported value: "c": supported values: "a", "b"']],
  ['int-or-string', { port: true }, ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"']],
  ['format', { id: 'nope' }, ['spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope"']],
  ['maxItems', { tags: ['a', 'b', 'c'] }, ['spec.tags: Too many: 3: must have at most 2 items']],
  ['set duplicate', { tags: ['a', 'a'] }, ['spec.tags[1]: Duplicate value: "a"']],
  ['map duplicate', { ports: [{ name: 'x' }, { name: 'x' }] }, ['spec.ports[1]: Duplicate value: {"name":"x"}']],
  ['required in items', { ports: [{ port: 1 }] }, ['spec.ports[0].name: Required value']],
  ['embedded resource', { template: { spec: {} } }, ['spec.template.apiVersion: Required value: must not be empty', 'spec.template.kind: Required value: must not be empty']],
];

for (const [title, value, want] of cases) {
  test(`validate: ${title}`, (t) => {
    t.deepEqual(validateValue(spec, value, 'spec').map((e) => `${e.field}: ${e.detail}`), want);
  });
}

test('defaults fill absent fields, in list items too', (t) => {
  const v: Record<string, unknown> = { ports: [{ name: 'a' }] };
  t.true(applyDefaults(spec, v));
  t.deepEqual(v, { replicas: 1, ports: [{ name: 'a', port: 80 }] });
  t.false(applyDefaults(spec, v));
});

test('prune drops undeclared fields, keeps preserved ones and embedded type meta', (t) => {
  const root: JSONSchemaProps = { type: 'object', properties: { spec } };
  const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { replicas: 1, bogus: 1, free: { any: { thing: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { a: 'x', b: 'y' } } }, extra: true };
  t.deepEqual(prune(root, obj), ['.spec.bogus', '.spec.template.metadata.junk', '.spec.template.spec.b', '.extra']);
  t.deepEqual(obj, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { replicas: 1, free: { any: { thing: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { a: 'x' } } } });
});

const ruled: JSONSchemaProps = {
  type: 'object',
  'x-kubernetes-validations': [
    { rule: 'self.replicas <= self.max', messageExpression: "'replicas ' + string(self.replicas) + ' above ' + string(self.max)" },
    { rule: 'self.max >= oldSelf.max', message: 'max may not shrink', reason: 'FieldValueForbidden' },
    { rule: 'self.tags.isSorted()', fieldPath: '.tags' },
  ],
  properties: { replicas: { type: 'integer' }, max: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
};

test('CEL: messageExpression, transition rules with oldSelf, library functions, fieldPath', (t) => {
  const errs = (v: unknown, old?: unknown) => validateRules(ruled, v, old, 'spec').map((e) => `${e.field}: ${e.detail}`);
  t.deepEqual(errs({ replicas: 1, max: 2, tags: ['a', 'b'] }), []);
  t.deepEqual(errs({ replicas: 3, max: 2, tags: ['a'] }), ['spec: Invalid value: "object": replicas 3 above 2']);
  t.deepEqual(errs({ replicas: 1, max: 2, tags: ['a'] }, { replicas: 1, max: 5, tags: [] }), ['spec: Forbidden: max may not shrink']);
  t.deepEqual(errs({ replicas: 1, max: 2, tags: ['b', 'a'] }), ['spec.tags: Invalid value: "object": failed rule: self.tags.isSorted()']);
});

test('CEL cost: nested loops over unbounded lists exceed the budget, bounded ones do not', (t) => {
  const s: JSONSchemaProps = { type: 'object', properties: { l: { type: 'array', items: { type: 'string' } }, b: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 10 } } } };
  t.true(estimateRuleCost('self.l.all(x, self.l.all(y, x == y))', s) > RULE_COST_LIMIT);
  t.true(estimateRuleCost('self.b.all(x, self.b.all(y, x.matches(y)))', s) < RULE_COST_LIMIT);
});

test('needsDefaults answers as applyDefaults would, changing nothing', (t) => {
  const missing = { ports: [{ name: 'a', port: 8 }, { name: 'b' }], replicas: 2 };
  const before = JSON.stringify(missing);
  t.true(needsDefaults(spec, missing));
  t.is(JSON.stringify(missing), before);
  t.false(needsDefaults(spec, { replicas: 2, ports: [{ name: 'a', port: 8 }] }));
  // A null where the schema is not nullable takes the default too.
  t.true(needsDefaults(spec, { replicas: null }));
});

test('list-map and set duplicates: strings and other values never match each other', (t) => {
  const s: JSONSchemaProps = { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', properties: { k: { 'x-kubernetes-int-or-string': true } } } }, s: { type: 'array', 'x-kubernetes-list-type': 'set', items: { 'x-kubernetes-int-or-string': true } } } };
  t.deepEqual(validateValue(s, { l: [{ k: '1' }, { k: 1 }], s: ['1', 1] }, 'spec'), []);
  t.deepEqual(validateValue(s, { l: [{ k: 1 }, { k: 1 }, { k: 'a' }, { k: 'a' }], s: [1, '1', 1] }, 'spec').map((e) => `${e.field}: ${e.detail}`), [
    'spec.l[1]: Duplicate value: {"k":1}',
    'spec.l[3]: Duplicate value: {"k":"a"}',
    'spec.s[2]: Duplicate value: 1',
  ]);
});

test('prune: a field named like an Object.prototype member is undeclared as any other', (t) => {
  const obj = { spec: { replicas: 1, toString: 'x', constructor: { a: 1 } } };
  t.deepEqual(prune({ type: 'object', properties: { spec } }, obj), ['.spec.toString', '.spec.constructor']);
  t.deepEqual(obj, { spec: { replicas: 1 } });
});
