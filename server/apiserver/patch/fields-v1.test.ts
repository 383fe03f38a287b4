import test from 'ava';
import { fieldsV1Of } from './fields-v1.ts';
import { fieldSetOf, stripSystemFields } from './fieldset.ts';
import { schemaFromSpec, type PatchSchema, type SchemaSpec } from './schema.ts';
import { deploymentSchema, podSchema } from './testdata.ts';

/** What the field set gives: the writer must give the same, key order included. */
const viaFieldSet = (v: unknown, s: PatchSchema | undefined, mode: 'apply' | 'all', strict = false) =>
  JSON.stringify(stripSystemFields(fieldSetOf(v, s, mode, strict)).toFieldsV1());

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'd', uid: 'u', labels: { b: '1', a: '2' }, annotations: {}, finalizers: ['x', 'y'], ownerReferences: [{ uid: 'o', kind: 'ReplicaSet' }] },
  spec: {
    nodeName: null,
    containers: [
      { name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }], env: [{ name: 'B', value: '1' }, { name: 'A' }] },
      { name: 'app', image: 'app', command: ['a', 'b'] },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
  },
  status: { phase: 'Pending' },
};

for (const mode of ['all', 'apply'] as const) {
  test(`the FieldsV1 of a pod and a deployment, mode ${mode}, as the field set writes it`, (t) => {
    t.is(JSON.stringify(fieldsV1Of(pod, podSchema, mode)), viaFieldSet(pod, podSchema, mode));
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { replicas: 2, selector: { matchLabels: { app: 'w' } }, template: pod } };
    t.is(JSON.stringify(fieldsV1Of(deployment, deploymentSchema, mode)), viaFieldSet(deployment, deploymentSchema, mode));
  });
}

test('two list items with the same key are left to the field set (which merges them)', (t) => {
  const dup = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'a', command: ['y'] }] } };
  t.is(fieldsV1Of(dup, podSchema, 'all'), undefined);
});

test('strict: a keyed item without its key is refused as the field set refuses it', (t) => {
  const bad = { spec: { containers: [{ image: 'x' }] } };
  const want = t.throws(() => fieldSetOf(bad, podSchema, 'apply', true));
  const got = t.throws(() => fieldsV1Of(bad, podSchema, 'apply', true));
  t.is(got?.message, want?.message);
});

test('nothing but system fields: an empty FieldsV1', (t) => {
  t.deepEqual(fieldsV1Of({ apiVersion: 'v1', kind: 'X', metadata: { name: 'a', uid: 'u' } }, undefined, 'all'), {});
});

// Random objects over random schemas (seeded): the writer and the field set agree on all of them.
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
const NAMES = ['a', 'b', 'c', 'name', 'port', 'metadata', 'kind', 'uid', 'labels'] as const;

function spec(depth: number): SchemaSpec {
  const r = rnd();
  if (depth > 2 || r < 0.3) return {};
  if (r < 0.45) return { values: spec(depth + 1), atomic: rnd() < 0.2 };
  if (r < 0.7) return { fields: Object.fromEntries(NAMES.filter(() => rnd() < 0.4).map((n) => [n, spec(depth + 1)])), atomic: rnd() < 0.1 };
  const kind = pick(['map', 'set', 'atomic', 'merge'] as const);
  if (kind === 'map') return { listType: 'map', listMapKeys: rnd() < 0.5 ? ['name'] : ['port', 'name'], items: { fields: { name: {}, port: {}, a: spec(depth + 1) } } };
  if (kind === 'merge') return { patchStrategy: 'merge', patchMergeKey: 'name', items: { fields: { name: {}, b: spec(depth + 1) } } };
  return { listType: kind, items: spec(depth + 1) };
}

/** A value shaped by the schema most of the time (keyed lists get items with clashing keys). */
function value(sp: SchemaSpec | undefined, depth: number): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.15) return pick(['x', 1, true, null, {}, []] as const);
  if (sp?.items) return Array.from({ length: Math.floor(rnd() * 5) }, () => value(sp.items, depth + 1));
  if (sp?.fields || sp?.values || !sp || r < 0.5) {
    return Object.fromEntries(
      NAMES.filter(() => rnd() < 0.4).map((n) => [n, n === 'name' ? pick(['p', 'q', 'r', 's']) : n === 'port' ? pick([1, 2, 10]) : value(sp?.fields?.[n] ?? sp?.values, depth + 1)]),
    );
  }
  return pick(['y', 2, false] as const);
}

test('random objects and schemas: the same FieldsV1 as the field set, both modes', (t) => {
  let compared = 0;
  let duplicates = 0;
  for (let i = 0; i < 3000; i++) {
    const sp = rnd() < 0.1 ? undefined : { fields: Object.fromEntries(NAMES.map((n) => [n, spec(1)])) };
    const s = sp && schemaFromSpec(sp);
    const v = { apiVersion: 'v1', kind: 'K', ...(value(sp, 0) as object) };
    for (const mode of ['all', 'apply'] as const) {
      const got = fieldsV1Of(v, s, mode);
      if (got === undefined) {
        duplicates++;
        continue;
      }
      t.is(JSON.stringify(got), viaFieldSet(v, s, mode), JSON.stringify({ v, mode }));
      compared++;
    }
  }
  t.true(compared > 5000 && duplicates > 0);
});
