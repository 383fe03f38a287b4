import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import { apply } from './apply.ts';
import type { JsonObject } from './json.ts';
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { updateManagedFields } from './managed-fields.ts';
import { deploymentSchema } from './testdata.ts';

const now = new Date('2024-06-01T00:00:00Z');
const later = new Date('2024-06-02T00:00:00Z');

/** An applied Deployment; labels null applies none. */
function config(spec: JsonObject, labels: Record<string, string> | null = { app: 'web' }): JsonObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: labels ? { name: 'web', labels } : { name: 'web' }, spec };
}
const tmpl = (...containers: JsonObject[]): JsonObject => ({ spec: { containers } });
const spec = (o: KubeObject): JsonObject => o.spec as JsonObject;
const containersOf = (o: KubeObject): JsonObject[] => ((spec(o).template as JsonObject).spec as JsonObject).containers as JsonObject[];
const entry = (o: KubeObject, m: string): ManagedFieldsEntry | undefined =>
  (o.metadata?.managedFields as ManagedFieldsEntry[] | undefined)?.find((e) => e.manager === m);
const conflictOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
};

test('apply creates the object, owned by the applier', (t) => {
  const out = apply(undefined, config({ replicas: 2 }), 'kubectl', false, deploymentSchema, now);
  t.deepEqual(out, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      labels: { app: 'web' },
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: '2024-06-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } },
        },
      ],
    },
    spec: { replicas: 2 },
  });
});

test('re-applying updates values and keeps fields the applier never set', (t) => {
  const live = apply(undefined, config({ replicas: 2, template: tmpl({ name: 'nginx', image: 'nginx:1' }) }), 'kubectl', false, deploymentSchema, now);
  const withStatus = { ...live, status: { replicas: 2 } };
  const out = apply(withStatus, config({ replicas: 2, template: tmpl({ name: 'nginx', image: 'nginx:2' }) }), 'kubectl', false, deploymentSchema, later);
  t.is(containersOf(out)[0].image, 'nginx:2');
  t.deepEqual(out.status, { replicas: 2 });
  t.is(entry(out, 'kubectl')?.time, '2024-06-02T00:00:00Z');
});

test('a field the applier owned and no longer applies is removed', (t) => {
  const live = apply(undefined, config({ replicas: 2, paused: true }, { app: 'web', tier: 'fe' }), 'kubectl', false, deploymentSchema, now);
  const out = apply(live, config({ replicas: 2 }, { app: 'web' }), 'kubectl', false, deploymentSchema, later);
  t.deepEqual(out.metadata?.labels, { app: 'web' });
  t.false('paused' in spec(out));
  t.deepEqual(entry(out, 'kubectl')?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
});

test('dropping every label removes the emptied labels map', (t) => {
  const live = apply(undefined, config({ replicas: 1 }, { app: 'web', tier: 'fe' }), 'kubectl', false, deploymentSchema, now);
  const out = apply(live, config({ replicas: 1 }, null), 'kubectl', false, deploymentSchema, later);
  t.deepEqual(out.metadata?.labels, undefined);
  t.deepEqual(out.metadata?.name, 'web');
});

test('a dropped field another manager also owns stays', (t) => {
  let live = apply(undefined, config({ replicas: 2 }, { app: 'web', tier: 'fe' }), 'a', false, deploymentSchema, now);
  live = apply(live, config({}, { tier: 'fe' }), 'b', false, deploymentSchema, now);
  const out = apply(live, config({ replicas: 2 }, { app: 'web' }), 'a', false, deploymentSchema, later);
  t.deepEqual(out.metadata?.labels, { app: 'web', tier: 'fe' });
});

test('applying a value another applier owns is a 409 Conflict naming the field and the manager', (t) => {
  const live = apply(undefined, config({ replicas: 2 }), 'a', false, deploymentSchema, now);
  const err = conflictOf(() => apply(live, config({ replicas: 3 }), 'b', false, deploymentSchema, later));
  t.is(err.code, 409);
  t.is(err.reason, 'Conflict');
  t.is(err.message, 'Apply failed with 1 conflict: conflict with "a": .spec.replicas');
  t.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }]);
});

test('conflicts with Update managers say the apiVersion; several conflicts are listed by manager', (t) => {
  const created = updateManagedFields(
    undefined,
    { ...config({ replicas: 1, template: tmpl({ name: 'nginx', image: 'nginx:1' }) }) },
    'kubectl-client-side-apply',
    'Update',
    now,
    undefined,
    deploymentSchema,
  );
  const err = conflictOf(() =>
    apply(created, config({ replicas: 5, template: tmpl({ name: 'nginx', image: 'nginx:2' }) }), 'kubectl', false, deploymentSchema, later),
  );
  t.is(
    err.message,
    'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
  );
  t.deepEqual(
    err.details?.causes?.map((c) => c.field),
    ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image'],
  );
  t.is(err.details?.causes?.[0]?.message, 'conflict with "kubectl-client-side-apply" using apps/v1');
});

test('force takes ownership of the conflicting fields', (t) => {
  const live = apply(undefined, config({ replicas: 2, paused: false }), 'a', false, deploymentSchema, now);
  const out = apply(live, config({ replicas: 3 }, null), 'b', true, deploymentSchema, later);
  t.is(spec(out).replicas, 3);
  t.deepEqual(entry(out, 'a')?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:paused': {} } });
  t.deepEqual(entry(out, 'b')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('applying the same value as another manager shares ownership', (t) => {
  const live = apply(undefined, config({ replicas: 2 }), 'a', false, deploymentSchema, now);
  const out = apply(live, config({ replicas: 2 }, null), 'b', false, deploymentSchema, later);
  t.truthy(entry(out, 'a')?.fieldsV1?.['f:spec']);
  t.deepEqual(entry(out, 'b')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('containers merge by name across appliers; each keeps its own', (t) => {
  let live = apply(undefined, config({ template: tmpl({ name: 'nginx', image: 'nginx:1' }) }), 'app', false, deploymentSchema, now);
  live = apply(live, config({ template: tmpl({ name: 'mesh', image: 'envoy:1' }) }, null), 'injector', false, deploymentSchema, now);
  t.deepEqual(containersOf(live).map((c) => c.name), ['nginx', 'mesh']);
  const out = apply(live, config({ template: tmpl({ name: 'nginx', image: 'nginx:2' }) }), 'app', false, deploymentSchema, later);
  t.deepEqual(containersOf(out), [
    { name: 'nginx', image: 'nginx:2' },
    { name: 'mesh', image: 'envoy:1' },
  ]);
  const dropped = apply(out, config({ template: tmpl() }, null), 'injector', false, deploymentSchema, later);
  t.deepEqual(containersOf(dropped).map((c) => c.name), ['nginx']);
});

test('an atomic value (the selector) is replaced whole', (t) => {
  const live = apply(undefined, config({ selector: { matchLabels: { app: 'web', v: '1' } } }), 'a', false, deploymentSchema, now);
  const out = apply(live, config({ selector: { matchLabels: { app: 'web' } } }), 'a', false, deploymentSchema, later);
  t.deepEqual(spec(out).selector, { matchLabels: { app: 'web' } });
});

test('a port applied without its defaulted protocol is the live port, not a second one', (t) => {
  const live = updateManagedFields(
    undefined,
    config({ template: tmpl({ name: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] }) }),
    'creator',
    'Update',
    now,
    undefined,
    deploymentSchema,
  );
  const out = apply(live, config({ template: tmpl({ name: 'nginx', ports: [{ containerPort: 80, name: 'http' }] }) }), 'kubectl', false, deploymentSchema, later);
  t.deepEqual(containersOf(out)[0].ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
});

test('the first apply to an object without managedFields conflicts with "before-first-apply"', (t) => {
  const live: KubeObject = { ...config({ replicas: 1 }), metadata: { name: 'web', uid: 'u', labels: { app: 'web' } } };
  const err = conflictOf(() => apply(live, config({ replicas: 4 }), 'kubectl', false, deploymentSchema, now));
  t.is(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  const ok = apply(live, config({ replicas: 1 }), 'kubectl', false, deploymentSchema, now);
  t.deepEqual(
    (ok.metadata?.managedFields as ManagedFieldsEntry[]).map((e) => e.manager),
    ['kubectl', 'before-first-apply'],
  );
});

const badConfigs: Array<{ name: string; applied: unknown; message: string }> = [
  {
    name: 'managedFields set',
    applied: { ...config({}), metadata: { name: 'web', managedFields: [] } },
    message: 'metadata.managedFields must be nil',
  },
  { name: 'no apiVersion', applied: { kind: 'Deployment', metadata: { name: 'web' } }, message: "error decoding YAML: Object 'apiVersion' is missing in the applied configuration" },
  { name: 'not an object', applied: 'text', message: 'error decoding YAML: the applied configuration must be an object' },
];
for (const c of badConfigs) {
  test(`apply rejects a configuration with ${c.name}: 400`, (t) => {
    const err = t.throws(() => apply(undefined, c.applied, 'm', false, deploymentSchema, now), { instanceOf: StatusError });
    t.is(err?.code, 400);
    t.is(err?.message, c.message);
  });
}

test('apply rejects a keyed-list item without its key: 400', (t) => {
  const err = t.throws(() => apply(undefined, config({ template: tmpl({ image: 'x' }) }), 'm', false, deploymentSchema, now), {
    instanceOf: StatusError,
  });
  t.is(err?.code, 400);
  t.regex(err?.message ?? '', /omits key field "name"/);
});

test('apply changes neither the live object nor the configuration, pruning and forcing included', (t) => {
  const freeze = <T>(v: T): T => {
    if (typeof v === 'object' && v !== null) {
      for (const x of Object.values(v)) freeze(x);
      Object.freeze(v);
    }
    return v;
  };
  const first = config({ replicas: 2, paused: true, template: tmpl({ name: 'nginx', image: 'nginx:1' }, { name: 'log', image: 'log:1' }) }, { app: 'web', tier: 'fe' });
  const live = freeze(apply(undefined, freeze(first), 'a', false, deploymentSchema, now));
  const before = JSON.stringify(live);
  // 'a' stops applying paused, a label and a container: pruned from what live shares.
  const next = freeze(config({ replicas: 2, template: tmpl({ name: 'nginx', image: 'nginx:1' }) }));
  const out = apply(live, next, 'a', false, deploymentSchema, later);
  t.false('paused' in spec(out));
  t.deepEqual(containersOf(out).map((c) => c.name), ['nginx']);
  t.deepEqual(out.metadata?.labels, { app: 'web' });
  const forced = apply(live, freeze(config({ replicas: 5 }, null)), 'b', true, deploymentSchema, later);
  t.is(spec(forced).replicas, 5);
  t.is(JSON.stringify(live), before);
});

test('re-applying the same configuration keeps the entry and its time', (t) => {
  const live = apply(undefined, config({ replicas: 2, template: tmpl({ name: 'nginx', image: 'nginx:1' }) }), 'a', false, deploymentSchema, now);
  const out = apply(live, config({ replicas: 2, template: tmpl({ name: 'nginx', image: 'nginx:1' }) }), 'a', false, deploymentSchema, later);
  t.deepEqual(out.metadata?.managedFields, live.metadata?.managedFields);
  t.deepEqual(out, live);
});
