import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import { FieldSet, pathToString } from './fieldpath.ts';
import { fieldSetOf } from './fieldset.ts';
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { updateManagedFields } from './managed-fields.ts';
import { deploymentSchema, podSchema } from './testdata.ts';

const t1 = new Date('2024-05-01T10:00:00.123Z');
const t2 = new Date('2024-05-01T11:00:00Z');
const t3 = new Date('2024-05-01T12:00:00Z');

const deployment = (replicas = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
  },
});

const entries = (o: KubeObject): ManagedFieldsEntry[] => (o.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
const byManager = (o: KubeObject, m: string): ManagedFieldsEntry | undefined => entries(o).find((e) => e.manager === m);

test('create records every set field for the creating manager, without system metadata', (t) => {
  const out = updateManagedFields(undefined, deployment(), 'kubectl-create', 'Update', t1, undefined, deploymentSchema);
  t.deepEqual(entries(out), [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      },
    },
  ]);
});

test('an update by a second manager takes the fields it changed', (t) => {
  const created = updateManagedFields(undefined, deployment(), 'creator', 'Update', t1, undefined, deploymentSchema);
  const scaled = updateManagedFields(created, { ...created, spec: { ...(created.spec as object), replicas: 3 } }, 'scaler', 'Update', t2, undefined, deploymentSchema);
  t.deepEqual(
    entries(scaled).map((e) => [e.manager, e.time]),
    [
      ['creator', '2024-05-01T10:00:00Z'],
      ['scaler', '2024-05-01T11:00:00Z'],
    ],
  );
  t.deepEqual(byManager(scaled, 'scaler')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  t.false('f:replicas' in ((byManager(scaled, 'creator')?.fieldsV1?.['f:spec'] ?? {}) as object));
});

test('a later update by the same manager adds to its entry; an update that changes nothing keeps its time', (t) => {
  let o = updateManagedFields(undefined, deployment(), 'creator', 'Update', t1, undefined, deploymentSchema);
  o = updateManagedFields(o, { ...o, spec: { ...(o.spec as object), replicas: 2 } }, 'scaler', 'Update', t2, undefined, deploymentSchema);
  const withLabel = { ...o, metadata: { ...o.metadata, labels: { app: 'web', team: 'a' } } };
  o = updateManagedFields(o, withLabel, 'scaler', 'Update', t3, undefined, deploymentSchema);
  t.deepEqual(byManager(o, 'scaler')?.fieldsV1, {
    'f:metadata': { 'f:labels': { 'f:team': {} } },
    'f:spec': { 'f:replicas': {} },
  });
  const same = updateManagedFields(o, o, 'scaler', 'Update', new Date('2030-01-01T00:00:00Z'), undefined, deploymentSchema);
  t.is(byManager(same, 'scaler')?.time, '2024-05-01T12:00:00Z');
});

test('removed fields are owned by nobody', (t) => {
  const o = updateManagedFields(undefined, deployment(), 'creator', 'Update', t1, undefined, deploymentSchema);
  const noLabels: KubeObject = { ...o, metadata: { ...o.metadata, labels: undefined } };
  delete noLabels.metadata?.labels;
  const out = updateManagedFields(o, noLabels, 'editor', 'Update', t2, undefined, deploymentSchema);
  t.false('f:metadata' in (byManager(out, 'creator')?.fieldsV1 ?? {}));
  t.is(byManager(out, 'editor'), undefined, 'a pure removal gives the remover nothing to own');
});

test('managedFields [{}] in the request clears them; a rewritten list replaces the live one', (t) => {
  const o = updateManagedFields(undefined, deployment(), 'creator', 'Update', t1, undefined, deploymentSchema);
  const reset = updateManagedFields(o, { ...o, metadata: { ...o.metadata, managedFields: [{}] } }, 'x', 'Update', t2, undefined, deploymentSchema);
  t.is(reset.metadata?.managedFields, undefined);

  const mine = [{ manager: 'mine', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  const rewritten = updateManagedFields(o, { ...o, metadata: { ...o.metadata, managedFields: mine } }, 'x', 'Update', t2, undefined, deploymentSchema);
  t.deepEqual(entries(rewritten).map((e) => e.manager), ['mine']);
});

test('subresource and apiVersion make separate Update entries', (t) => {
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  let o = updateManagedFields(undefined, pod, 'kubelet', 'Update', t1, undefined, podSchema);
  o = updateManagedFields(o, { ...o, status: { phase: 'Running' } }, 'kubelet', 'Update', t2, 'status', podSchema);
  const list = entries(o);
  t.is(list.length, 2);
  t.deepEqual(list[1], {
    manager: 'kubelet',
    operation: 'Update',
    apiVersion: 'v1',
    time: '2024-05-01T11:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:phase': {} } },
    subresource: 'status',
  });
  const other = updateManagedFields(o, { ...o, apiVersion: 'v2', metadata: { ...o.metadata, labels: { a: 'b' } } }, 'kubelet', 'Update', t3, undefined, podSchema);
  t.deepEqual(entries(other).map((e) => `${e.manager} ${e.apiVersion} ${e.subresource ?? ''}`), ['kubelet v1 ', 'kubelet v1 status', 'kubelet v2 ']);
});

test('a manager the write does not touch keeps its FieldsV1 as read; one not as its set encodes is written anew', (t) => {
  let o = updateManagedFields(undefined, deployment(), 'creator', 'Update', t1, undefined, deploymentSchema);
  o = updateManagedFields(o, { ...o, spec: { ...(o.spec as object), replicas: 2 } }, 'scaler', 'Update', t2, undefined, deploymentSchema);
  const labeled = updateManagedFields(o, { ...o, metadata: { ...o.metadata, labels: { app: 'web', team: 'a' } } }, 'labeler', 'Update', t3, undefined, deploymentSchema);
  t.is(byManager(labeled, 'scaler')?.fieldsV1, byManager(o, 'scaler')?.fieldsV1, 'the same JSON object: never decoded');
  t.is(byManager(labeled, 'creator')?.fieldsV1, byManager(o, 'creator')?.fieldsV1);

  // Sent by a client: fields out of FieldsV1 order, a node written only as `.`, an empty entry.
  const sent = [
    { manager: 'a', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} }, 'f:metadata': { 'f:labels': { '.': {} } } } },
    { manager: 'b', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} },
  ];
  const rewritten = updateManagedFields(o, { ...o, metadata: { ...o.metadata, managedFields: sent } }, 'x', 'Update', t2, undefined, deploymentSchema);
  t.deepEqual(entries(rewritten).map((e) => e.manager), ['a']);
  const a = byManager(rewritten, 'a')?.fieldsV1 ?? {};
  t.deepEqual(Object.keys(a), ['f:metadata', 'f:spec']);
  t.deepEqual(a, { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:replicas': {} } });
});

const pathCases: Array<[string[], string]> = [
  [['f:spec', 'f:replicas'], '.spec.replicas'],
  [['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image'], '.spec.containers[name="nginx"].image'],
  [['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'], '.ports[containerPort=80,protocol="TCP"]'],
  [['f:metadata', 'f:finalizers', 'v:"a"'], '.metadata.finalizers[="a"]'],
  [['f:args', 'i:2'], '.args[2]'],
];
for (const [path, want] of pathCases) {
  test(`path string ${want}`, (t) => t.is(pathToString(path), want));
}

test('FieldsV1 round trip and set algebra', (t) => {
  const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {}, 'f:b': {} } }, 'f:spec': { 'f:replicas': {} } };
  const a = FieldSet.fromFieldsV1(v1);
  t.deepEqual(a.toFieldsV1(), v1);
  const b = FieldSet.fromFieldsV1({ 'f:metadata': { 'f:labels': { 'f:b': {} } }, 'f:status': {} });
  t.deepEqual(a.intersection(b).toFieldsV1(), { 'f:metadata': { 'f:labels': { 'f:b': {} } } });
  t.deepEqual(a.difference(b).toFieldsV1(), { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:replicas': {} } });
  t.deepEqual(a.union(b).paths().map(pathToString), ['.metadata.labels', '.metadata.labels.a', '.metadata.labels.b', '.spec.replicas', '.status']);
});

test('field sets: sets give v: items, atomic values are leaves', (t) => {
  const pod = {
    metadata: { finalizers: ['x'] },
    spec: { tolerations: [{ key: 'k' }], containers: [{ name: 'c', args: ['a'], ports: [{ containerPort: 80 }] }] },
  };
  t.deepEqual(fieldSetOf(pod, podSchema, 'apply').toFieldsV1(), {
    'f:metadata': { 'f:finalizers': { 'v:"x"': {} } },
    'f:spec': {
      'f:containers': {
        'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80}': { '.': {}, 'f:containerPort': {} } } },
      },
      'f:tolerations': {},
    },
  });
});
