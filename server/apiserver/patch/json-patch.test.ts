import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import { applyJsonPatch } from './json-patch.ts';
import type { JsonObject } from './json.ts';
import { applyMergePatch } from './merge-patch.ts';

const live = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x:1' }] } } },
});

const okCases: Array<{ name: string; ops: unknown; want: (o: JsonObject) => unknown; value: unknown }> = [
  {
    name: 'replace a scalar',
    ops: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    want: (o) => (o.spec as JsonObject).replicas,
    value: 3,
  },
  {
    name: 'add a label, test first',
    ops: [
      { op: 'test', path: '/metadata/labels/app', value: 'web' },
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
    ],
    want: (o) => (o.metadata as JsonObject).labels,
    value: { app: 'web', tier: 'fe' },
  },
  {
    name: 'append to a list with -',
    ops: [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'b', image: 'y' } }],
    want: (o) => ((o.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers.map((c) => c.name),
    value: ['a', 'b'],
  },
  {
    name: 'remove, move and copy',
    ops: [
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/copy', path: '/metadata/labels/moved' },
      { op: 'remove', path: '/metadata/labels/app' },
    ],
    want: (o) => (o.metadata as JsonObject).labels,
    value: { moved: 'web' },
  },
  {
    name: 'patch given as JSON text',
    ops: '[{"op":"replace","path":"/spec/replicas","value":5}]',
    want: (o) => (o.spec as JsonObject).replicas,
    value: 5,
  },
];

for (const c of okCases) {
  test(`json patch: ${c.name}`, (t) => {
    const before = live();
    t.deepEqual(c.want(applyJsonPatch(before, c.ops)), c.value);
    t.deepEqual(before, live(), 'the live object is not modified');
  });
}

const errCases: Array<{ name: string; ops: unknown; code: number; reason: string; cause?: RegExp; message?: RegExp }> = [
  { name: 'not JSON', ops: '[{', code: 400, reason: 'BadRequest', message: /error decoding patch/ },
  { name: 'not a list', ops: { op: 'add' }, code: 400, reason: 'BadRequest', message: /list of operations/ },
  {
    name: 'failing test op',
    ops: [{ op: 'test', path: '/spec/replicas', value: 9 }],
    code: 422,
    reason: 'Invalid',
    cause: /testing value \/spec\/replicas failed/,
  },
  {
    name: 'path that does not exist',
    ops: [{ op: 'replace', path: '/spec/paused/x', value: true }],
    code: 422,
    reason: 'Invalid',
    cause: /does not apply/,
  },
  {
    name: 'remove of a missing field',
    ops: [{ op: 'remove', path: '/metadata/annotations' }],
    code: 422,
    reason: 'Invalid',
    cause: /does not apply/,
  },
  { name: 'unknown op', ops: [{ op: 'merge', path: '/spec' }], code: 422, reason: 'Invalid', cause: /unknown op "merge"/ },
  { name: 'missing value', ops: [{ op: 'add', path: '/spec/x' }], code: 422, reason: 'Invalid', cause: /missing "value"/ },
  {
    name: 'too many operations',
    ops: Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' })),
    code: 413,
    reason: 'RequestEntityTooLarge',
    message: /maximum operations in a JSON patch is 10000, got 10001/,
  },
  {
    name: 'replacing the root with a non-object',
    ops: [{ op: 'replace', path: '', value: [1] }],
    code: 422,
    reason: 'Invalid',
    message: /patch: Invalid value/,
  },
];

for (const c of errCases) {
  test(`json patch error: ${c.name}`, (t) => {
    const err = t.throws(() => applyJsonPatch(live(), c.ops), { instanceOf: StatusError });
    t.is(err?.code, c.code);
    t.is(String(err?.reason), c.reason);
    if (c.message) t.regex(err?.message ?? '', c.message);
    if (c.cause) {
      t.is(err?.message, 'the server rejected our request due to an error in our request');
      t.regex(err?.details?.causes?.[0]?.message ?? '', c.cause);
    }
  });
}

const mergeCases: Array<{ name: string; patch: unknown; want: JsonObject }> = [
  { name: 'nested merge', patch: { a: { c: 3 } }, want: { a: { b: 1, c: 3 }, l: [1, 2] } },
  { name: 'null deletes', patch: { a: { b: null } }, want: { a: {}, l: [1, 2] } },
  { name: 'lists replaced', patch: { l: [3] }, want: { a: { b: 1 }, l: [3] } },
  { name: 'new subtree keeps no nulls', patch: { n: { x: 1, y: null } }, want: { a: { b: 1 }, l: [1, 2], n: { x: 1 } } },
  { name: 'object replaces scalar', patch: { l: { k: 'v' } }, want: { a: { b: 1 }, l: { k: 'v' } } },
  { name: 'as text', patch: '{"a":{"b":2}}', want: { a: { b: 2 }, l: [1, 2] } },
];

for (const c of mergeCases) {
  test(`merge patch: ${c.name}`, (t) => {
    const before = { a: { b: 1 }, l: [1, 2] };
    t.deepEqual(applyMergePatch(before, c.patch), c.want);
    t.deepEqual(before, { a: { b: 1 }, l: [1, 2] });
  });
}

const mergeErrors: Array<{ name: string; patch: unknown; code: number; reason: string }> = [
  { name: 'invalid JSON', patch: '{', code: 400, reason: 'BadRequest' },
  { name: 'null patch', patch: null, code: 400, reason: 'BadRequest' },
  { name: 'array patch', patch: [1], code: 422, reason: 'Invalid' },
];

for (const c of mergeErrors) {
  test(`merge patch error: ${c.name}`, (t) => {
    const err = t.throws(() => applyMergePatch({ a: 1 }, c.patch), { instanceOf: StatusError });
    t.is(err?.code, c.code);
    t.is(String(err?.reason), c.reason);
  });
}
