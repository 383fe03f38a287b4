import test from 'ava';
import {
  DNS1123_LABEL_ERROR,
  DNS1123_SUBDOMAIN_ERROR,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './validation.ts';
import type { ObjectMeta } from '../types.ts';

const nameCases: Array<[string, (v: string) => string[], string, string[]]> = [
  ['subdomain ok', isDNS1123Subdomain, 'example.com', []],
  ['subdomain upper', isDNS1123Subdomain, 'Foo', [DNS1123_SUBDOMAIN_ERROR]],
  ['subdomain too long', isDNS1123Subdomain, 'a'.repeat(254), ['must be no more than 253 characters']],
  ['label dot', isDNS1123Label, 'a.b', [DNS1123_LABEL_ERROR]],
  ['label leading digit ok', isDNS1123Label, '1abc', []],
  ['dns1035 leading digit', isDNS1035Label, '1abc', [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]],
  ['qualified ok', isQualifiedName, 'example.com/My_name.1', []],
  ['qualified empty prefix', isQualifiedName, '/a', ['prefix part must be non-empty']],
  ['qualified bad prefix', isQualifiedName, 'Ex/a', [`prefix part ${DNS1123_SUBDOMAIN_ERROR}`]],
  ['qualified too long', isQualifiedName, 'a'.repeat(64), ['name part must be no more than 63 characters']],
  ['qualified empty name', isQualifiedName, 'a/', ['name part must be non-empty']],
  ['qualified two slashes', isQualifiedName, 'a/b/c', [
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]],
  ['label value empty ok', isValidLabelValue, '', []],
  ['label value bad', isValidLabelValue, '-x', [
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]],
  ['config key ok', isConfigMapKey, '.env_FILE-1', []],
  ['config key dotdot', isConfigMapKey, '..a', ["must not start with '..'"]],
  ['path segment colon ok', (v) => isValidPathSegmentName(v), 'system:controller:x', []],
  ['path segment slash', (v) => isValidPathSegmentName(v), 'a/b', ["may not contain '/'"]],
  ['path segment dots', (v) => isValidPathSegmentName(v), '..', ["may not be '..'"]],
];

for (const [title, fn, value, want] of nameCases) {
  test(`names: ${title}`, (t) => {
    t.deepEqual(fn(value), want);
  });
}

const metaCases: Array<{ title: string; meta: ObjectMeta; namespaced: boolean; rule?: 'label' | 'path-segment'; want: string[] }> = [
  { title: 'valid', meta: { name: 'a', namespace: 'default', labels: { app: 'x' } }, namespaced: true, want: [] },
  { title: 'missing name', meta: { namespace: 'default' }, namespaced: true, want: ['metadata.name: Required value: name or generateName is required'] },
  { title: 'generateName only', meta: { generateName: 'web-', namespace: 'ns' }, namespaced: true, want: [] },
  { title: 'bad generateName', meta: { generateName: 'Web-', namespace: 'ns' }, namespaced: true, want: [`metadata.generateName: Invalid value: "Web-": ${DNS1123_SUBDOMAIN_ERROR}`] },
  { title: 'upper name', meta: { name: 'Foo', namespace: 'ns' }, namespaced: true, want: [`metadata.name: Invalid value: "Foo": ${DNS1123_SUBDOMAIN_ERROR}`] },
  { title: 'missing namespace', meta: { name: 'a' }, namespaced: true, want: ['metadata.namespace: Required value'] },
  { title: 'namespace on cluster kind', meta: { name: 'a', namespace: 'x' }, namespaced: false, want: ['metadata.namespace: Forbidden: not allowed on this type'] },
  { title: 'label rule', meta: { name: 'a.b' }, namespaced: false, rule: 'label', want: [`metadata.name: Invalid value: "a.b": ${DNS1123_LABEL_ERROR}`] },
  { title: 'path segment rule', meta: { name: 'system:node' }, namespaced: false, rule: 'path-segment', want: [] },
  { title: 'bad label key', meta: { name: 'a', labels: { 'a b': 'x' } }, namespaced: false, want: [
    `metadata.labels: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  ] },
  { title: 'annotation size', meta: { name: 'a', annotations: { k: 'x'.repeat(262144) } }, namespaced: false, want: ['metadata.annotations: Too long: may not be more than 262144 bytes'] },
  { title: 'duplicate finalizer', meta: { name: 'a', finalizers: ['x/y', 'x/y'] }, namespaced: false, want: ['metadata.finalizers: Duplicate value: "x/y"'] },
  { title: 'owner reference', meta: { name: 'a', ownerReferences: [{ apiVersion: 'apps/', kind: 'ReplicaSet', name: 'r', uid: '' }] }, namespaced: false, want: [
    'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
  ] },
];

for (const c of metaCases) {
  test(`objectMeta: ${c.title}`, (t) => {
    t.deepEqual(validateObjectMeta(c.meta, c.namespaced, c.rule).map((e) => `${e.field}: ${e.detail}`), c.want);
  });
}

test('objectMetaUpdate: immutable identity, no new finalizers while deleting', (t) => {
  const old: ObjectMeta = { name: 'a', namespace: 'ns', uid: 'u1', generation: 3, deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['a/b'] };
  const errs = validateObjectMetaUpdate(
    { ...old, name: 'b', uid: 'u2', generation: 2, finalizers: ['a/b', 'c/d'] },
    old,
  ).map((e) => `${e.field}: ${e.detail}`);
  t.deepEqual(errs, [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"c/d"}',
    'metadata.generation: Invalid value: 2: must not be decremented',
    'metadata.name: Invalid value: "b": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  t.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' } }, old), []);
});
