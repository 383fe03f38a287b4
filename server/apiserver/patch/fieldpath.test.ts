import test from 'ava';
import { comparePathElements, FieldSet, keyElement } from './fieldpath.ts';
import { canonicalJson } from './json.ts';

test('keyElement: the item key values as sorted JSON, whatever order the keys are given in', (t) => {
  t.is(keyElement({ name: 'x', port: 1 }, ['name']), 'k:{"name":"x"}');
  t.is(keyElement({ protocol: 'TCP', containerPort: 80 }, ['protocol', 'containerPort']), 'k:{"containerPort":80,"protocol":"TCP"}');
  t.is(keyElement({ containerPort: 80 }, ['containerPort', 'protocol']), 'k:{"containerPort":80}');
  t.is(keyElement({ k: { b: 1, a: [true, null] } }, ['k']), 'k:{"k":{"a":[true,null],"b":1}}');
  const keys = ['b', 'a'];
  keyElement({ a: 1, b: 2 }, keys);
  t.deepEqual(keys, ['b', 'a'], 'the schema\'s key list is not sorted in place');
});

test('canonicalJson sorts object keys at every depth and writes scalars as JSON', (t) => {
  t.is(canonicalJson({ b: [{ d: 1, c: 'x' }], a: null }), '{"a":null,"b":[{"c":"x","d":1}]}');
  t.is(canonicalJson('q"'), '"q\\""');
  t.is(canonicalJson(undefined), 'null');
});

test('comparePathElements: fields, set values, keys, then indexes in numeric order', (t) => {
  const pes = ['i:10', 'k:{"name":"b"}', 'i:2', 'v:"x"', 'f:b', 'k:{"name":"a"}', 'f:a'];
  t.deepEqual([...pes].sort(comparePathElements), ['f:a', 'f:b', 'v:"x"', 'k:{"name":"a"}', 'k:{"name":"b"}', 'i:2', 'i:10']);
  t.is(comparePathElements('f:a', 'f:a'), 0);
});

test('toFieldsV1 writes children in FieldsV1 order whatever order they were added in', (t) => {
  const set = new FieldSet();
  for (const pe of ['k:{"name":"port-10"}', 'k:{"name":"port-2"}', 'k:{"name":"port-1"}']) {
    set.insert(['f:ports', pe]);
    set.insert(['f:ports', pe, 'f:port']);
    set.insert(['f:ports', pe, 'f:name']);
  }
  const v1 = set.toFieldsV1();
  t.deepEqual(Object.keys(v1['f:ports'] as object), ['k:{"name":"port-1"}', 'k:{"name":"port-10"}', 'k:{"name":"port-2"}']);
  t.deepEqual(Object.keys((v1['f:ports'] as Record<string, object>)['k:{"name":"port-1"}']), ['.', 'f:name', 'f:port']);
  t.true(FieldSet.isCanonicalFieldsV1(v1));
});

test('equals: same members, whatever empty nodes either set holds', (t) => {
  const a = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {}, 'f:paused': {} } });
  const b = FieldSet.fromFieldsV1({ 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  t.true(a.equals(b));
  b.descend('f:status').descend('f:x');
  t.true(a.equals(b), 'an empty node is no member');
  t.true(b.equals(a));
  b.insert(['f:status']);
  t.false(a.equals(b));
  t.false(b.equals(a));
  t.false(a.equals(FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {} } })));
  t.false(a.equals(FieldSet.fromFieldsV1({ 'f:spec': { '.': {}, 'f:replicas': {}, 'f:paused': {} } })));
  t.true(new FieldSet().equals(new FieldSet()));
});
