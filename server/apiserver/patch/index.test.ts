import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { APPLY_PATCH, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, applyPatch, managerFromUserAgent } from './index.ts';
import type { PatchOptions } from './index.ts';
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { deploymentSchema, podSchema } from './testdata.ts';

const now = new Date('2024-07-01T00:00:00Z');
const opts = (o: Partial<PatchOptions> = {}): PatchOptions => ({ now, ...o });

const pod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', image: 'a:1' }] },
});
const managers = (o: KubeObject): string[] =>
  ((o.metadata?.managedFields ?? []) as ManagedFieldsEntry[]).map((e) => `${String(e.manager)}/${String(e.operation)}`);

const patchCases: Array<{ name: string; type: string; body: unknown; labels: Record<string, string>; images: string[] }> = [
  {
    name: 'json patch',
    type: JSON_PATCH,
    body: '[{"op":"add","path":"/metadata/labels/x","value":"1"}]',
    labels: { app: 'web', x: '1' },
    images: ['a:1'],
  },
  {
    name: 'merge patch replaces lists',
    type: `${MERGE_PATCH}; charset=utf-8`,
    body: { spec: { containers: [{ name: 'b', image: 'b:1' }] } },
    labels: { app: 'web' },
    images: ['b:1'],
  },
  {
    name: 'strategic merge patch merges containers',
    type: STRATEGIC_MERGE_PATCH,
    body: Buffer.from('{"metadata":{"labels":{"app":null}},"spec":{"containers":[{"name":"b","image":"b:1"}]}}'),
    labels: {},
    images: ['a:1', 'b:1'],
  },
];

for (const c of patchCases) {
  test(`applyPatch: ${c.name}, recorded for the field manager`, (t) => {
    const out = applyPatch(c.type, pod(), c.body, podSchema, opts({ fieldManager: 'tool' }));
    t.deepEqual(out.metadata?.labels, c.labels);
    t.deepEqual((out.spec as { containers: Array<{ image: string }> }).containers.map((x) => x.image), c.images);
    t.deepEqual(managers(out), ['tool/Update']);
  });
}

test('applyPatch: without fieldManager the user agent names the manager', (t) => {
  const out = applyPatch(MERGE_PATCH, pod(), { metadata: { labels: { b: '2' } } }, podSchema, opts({ userAgent: 'kubectl/v1.30.0 (linux/amd64) kubernetes/abc' }));
  t.deepEqual(managers(out), ['kubectl/Update']);
  t.is(managerFromUserAgent(undefined), '');
});

test('applyPatch: apply from YAML text creates, then an Update manager takes replicas, then apply conflicts', (t) => {
  const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n';
  const created = applyPatch(APPLY_PATCH, undefined, yaml, deploymentSchema, opts({ fieldManager: 'kubectl' }));
  t.deepEqual(created.spec, { replicas: 2 });
  const scaled = applyPatch(MERGE_PATCH, created, { spec: { replicas: 5 } }, deploymentSchema, opts({ fieldManager: 'hpa' }));
  t.deepEqual(managers(scaled), ['hpa/Update']);
  const err = t.throws(() => applyPatch(APPLY_PATCH, scaled, yaml, deploymentSchema, opts({ fieldManager: 'kubectl' })), {
    instanceOf: StatusError,
  });
  t.is(err?.message, 'Apply failed with 1 conflict: conflict with "hpa" using apps/v1: .spec.replicas');
  const forced = applyPatch(APPLY_PATCH, scaled, yaml, deploymentSchema, opts({ fieldManager: 'kubectl', force: true }));
  t.deepEqual(forced.spec, { replicas: 2 });
  t.deepEqual(managers(forced), ['kubectl/Apply']);
});

const errorCases: Array<{ name: string; run: () => unknown; code: number; reason: string; message: string }> = [
  {
    name: 'apply without fieldManager',
    run: () => applyPatch(APPLY_PATCH, pod(), 'apiVersion: v1\nkind: Pod\n', podSchema, opts()),
    code: 422,
    reason: 'Invalid',
    message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  },
  {
    name: 'force on a merge patch',
    run: () => applyPatch(MERGE_PATCH, pod(), {}, podSchema, opts({ force: true })),
    code: 422,
    reason: 'Invalid',
    message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
  },
  {
    name: 'strategic merge patch on a custom resource',
    run: () => applyPatch(STRATEGIC_MERGE_PATCH, pod(), {}, undefined, opts({ customResource: true })),
    code: 415,
    reason: 'UnsupportedMediaType',
    message:
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  },
  {
    name: 'unknown patch type',
    run: () => applyPatch('application/json', pod(), {}, podSchema, opts()),
    code: 415,
    reason: 'UnsupportedMediaType',
    message:
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
  },
  {
    name: 'merge patch on a missing object',
    run: () => applyPatch(MERGE_PATCH, undefined, {}, podSchema, opts({ resource: { group: '', resource: 'pods' }, name: 'p' })),
    code: 404,
    reason: 'NotFound',
    message: 'pods "p" not found',
  },
  {
    name: 'apply with YAML that does not parse',
    run: () => applyPatch(APPLY_PATCH, undefined, 'a: [', podSchema, opts({ fieldManager: 'm' })),
    code: 400,
    reason: 'BadRequest',
    message: '',
  },
];

for (const c of errorCases) {
  test(`applyPatch error: ${c.name}`, (t) => {
    const err = t.throws(c.run, { instanceOf: StatusError });
    t.is(err?.code, c.code);
    t.is(String(err?.reason), c.reason);
    if (c.message) t.is(err?.message, c.message);
    else t.regex(err?.message ?? '', /^error decoding YAML: /);
  });
}
