import test from 'ava';
import { parseWithoutManagedFields, skipArray } from './without-managed-fields.ts';

const managed = [{ manager: 'kubelet', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'k:{"type":"Ready"}': { '.': {} } } } }];
const cases: Array<[string, Record<string, unknown>]> = [
  ['an object with managedFields', { kind: 'Pod', metadata: { name: 'p', managedFields: managed, labels: { a: 'b' } }, spec: { nodeName: 'n' } }],
  ['managedFields first in metadata', { metadata: { managedFields: managed, name: 'p' } }],
  ['brackets, braces and escaped quotes in its strings', { metadata: { name: 'p', managedFields: [{ manager: 'x"]}[{\\', fieldsV1: { 'f:a]': {}, 'f:"{': {} } }], uid: 'u' } }],
  ['an earlier managedFields member elsewhere (kept)', { spec: { managedFields: [1, [2]] }, metadata: { name: 'p', managedFields: managed } }],
  ['managedFields only elsewhere (kept)', { spec: { managedFields: ['kept'] }, metadata: { name: 'p' } }],
  ['no managedFields', { metadata: { name: 'p' } }],
  ['a string that mentions managedFields', { metadata: { name: 'p', annotations: { note: '"managedFields":[' } } }],
  ['no metadata', { status: 'Success', code: 201 }],
];
const expected = (v: Record<string, unknown>) => {
  const copy = JSON.parse(JSON.stringify(v)) as { metadata?: Record<string, unknown> };
  if (copy.metadata) delete copy.metadata.managedFields;
  return copy;
};
for (const [name, object] of cases) {
  test(`parseWithoutManagedFields: ${name}`, (t) => {
    t.deepEqual(parseWithoutManagedFields(JSON.stringify(object), 'object'), expected(object));
    t.deepEqual(parseWithoutManagedFields(JSON.stringify({ type: 'MODIFIED', object }), 'event'), { type: 'MODIFIED', object: expected(object) });
  });
}

test('parseWithoutManagedFields: bad JSON throws as JSON.parse does', (t) => {
  t.throws(() => parseWithoutManagedFields('{"metadata":{"managedFields":[1,2]', 'object'), { instanceOf: SyntaxError });
  t.throws(() => parseWithoutManagedFields('{"metadata":{"managedFields":[]},', 'object'), { instanceOf: SyntaxError });
});

test('skipArray: the index past a JSON array, -1 when it does not close', (t) => {
  const text = 'x:[1,"]",["a\\"]"],{"b":[]}],y';
  t.is(skipArray(text, 2), text.length - 2);
  t.is(skipArray('[1,[2]', 0), -1);
  t.is(skipArray('["\\\\"]', 0), 6);
});
