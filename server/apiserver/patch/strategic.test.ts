import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { JsonObject } from './json.ts';
import { applyStrategicMergePatch } from './strategic.ts';
import { deploymentSchema, podSchema } from './testdata.ts';

const pod = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web', tier: 'fe' }, finalizers: ['a', 'b'] },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.25',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        args: ['--x', '--y'],
      },
      { name: 'sidecar', image: 'envoy:1' },
    ],
    tolerations: [{ key: 'k1', operator: 'Exists' }],
    volumes: [{ name: 'data', emptyDir: {} }],
  },
});

const containers = (o: JsonObject): JsonObject[] => (o.spec as JsonObject).containers as JsonObject[];
const meta = (o: JsonObject): JsonObject => o.metadata as JsonObject;

interface Case {
  name: string;
  patch: JsonObject;
  check: (out: JsonObject) => unknown;
  want: unknown;
}

const cases: Case[] = [
  {
    name: 'containers merge on name: changing one image keeps the other container',
    patch: { spec: { containers: [{ name: 'sidecar', image: 'envoy:2' }] } },
    check: (o) => containers(o).map((c) => `${String(c.name)}=${String(c.image)}`),
    want: ['nginx=nginx:1.25', 'sidecar=envoy:2'],
  },
  {
    name: 'a container with a new name is appended',
    patch: { spec: { containers: [{ name: 'logger', image: 'fluentbit' }] } },
    check: (o) => containers(o).map((c) => c.name),
    want: ['nginx', 'sidecar', 'logger'],
  },
  {
    name: 'env merges on name inside a merged container',
    patch: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: '20' }, { name: 'C', value: '3' }] }] } },
    check: (o) => containers(o)[0].env,
    want: [
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ],
  },
  {
    name: 'ports merge on containerPort',
    patch: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } },
    check: (o) => containers(o)[0].ports,
    want: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }],
  },
  {
    name: 'args (no patch strategy) are replaced',
    patch: { spec: { containers: [{ name: 'nginx', args: ['--z'] }] } },
    check: (o) => containers(o)[0].args,
    want: ['--z'],
  },
  {
    name: 'tolerations (atomic) are replaced',
    patch: { spec: { tolerations: [{ key: 'k2', operator: 'Equal', value: 'v' }] } },
    check: (o) => (o.spec as JsonObject).tolerations,
    want: [{ key: 'k2', operator: 'Equal', value: 'v' }],
  },
  {
    name: 'null deletes a label; others stay',
    patch: { metadata: { labels: { tier: null, env: 'prod' } } },
    check: (o) => meta(o).labels,
    want: { app: 'web', env: 'prod' },
  },
  {
    name: 'null deletes a container field',
    patch: { spec: { containers: [{ name: 'nginx', args: null }] } },
    check: (o) => 'args' in containers(o)[0],
    want: false,
  },
  {
    name: '$patch: delete removes a list element by merge key',
    patch: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } },
    check: (o) => containers(o).map((c) => c.name),
    want: ['nginx'],
  },
  {
    name: '$patch: replace as a list element replaces the whole list',
    patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'busybox' }] } },
    check: (o) => containers(o),
    want: [{ name: 'only', image: 'busybox' }],
  },
  {
    name: '$patch: replace on a map replaces it',
    patch: { metadata: { labels: { $patch: 'replace', fresh: 'yes' } } },
    check: (o) => meta(o).labels,
    want: { fresh: 'yes' },
  },
  {
    name: '$patch: delete on a map empties it',
    patch: { metadata: { labels: { $patch: 'delete' } } },
    check: (o) => meta(o).labels,
    want: {},
  },
  {
    name: 'finalizers (merge, primitives) are a set union',
    patch: { metadata: { finalizers: ['b', 'c'] } },
    check: (o) => meta(o).finalizers,
    want: ['a', 'b', 'c'],
  },
  {
    name: '$deleteFromPrimitiveList removes values',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    check: (o) => meta(o).finalizers,
    want: ['b'],
  },
  {
    name: '$setElementOrder orders a merged list of maps',
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }],
        containers: [{ name: 'nginx', image: 'nginx:1.27' }],
      },
    },
    check: (o) => containers(o).map((c) => `${String(c.name)}=${String(c.image)}`),
    want: ['sidecar=envoy:1', 'nginx=nginx:1.27'],
  },
  {
    name: '$setElementOrder orders a primitive list, server-only values keep their place',
    patch: { metadata: { '$setElementOrder/finalizers': ['c', 'a'], finalizers: ['c'] } },
    check: (o) => meta(o).finalizers,
    want: ['b', 'c', 'a'],
  },
  {
    name: '$retainKeys drops the keys not listed (volume source switch)',
    patch: { spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'configMap'], configMap: { name: 'cm' } }] } },
    check: (o) => (o.spec as JsonObject).volumes,
    want: [{ name: 'data', configMap: { name: 'cm' } }],
  },
  {
    name: 'a new nested value has its nulls and directives resolved',
    patch: { spec: { nodeSelector: { disk: 'ssd', gone: null } } },
    check: (o) => (o.spec as JsonObject).nodeSelector,
    want: { disk: 'ssd' },
  },
  {
    name: 'unknown fields (no schema) merge like a JSON merge patch: lists replaced',
    patch: { spec: { extra: { items: [3] } } },
    check: (o) => (o.spec as JsonObject).extra,
    want: { items: [3] },
  },
];

for (const c of cases) {
  test(`smp: ${c.name}`, (t) => {
    const live = deepFreeze(pod());
    const out = applyStrategicMergePatch(live, c.patch, podSchema);
    t.deepEqual(c.check(out), c.want);
    t.deepEqual(live, pod(), 'the live object is not modified');
  });
}

/** A frozen object: a patch engine that wrote into it would throw (ESM is strict mode). */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

test('smp: the result shares what the patch did not reach with the live object', (t) => {
  const live = deepFreeze(pod());
  const out = applyStrategicMergePatch(live, { status: { phase: 'Running' }, metadata: { labels: { x: 'y' } } }, podSchema);
  t.is(out.spec, live.spec);
  t.not(out.metadata, live.metadata);
  t.is(meta(out).finalizers, meta(live).finalizers);
  t.deepEqual(meta(out).labels, { ...(meta(live).labels as JsonObject), x: 'y' });
  t.is((out.status as JsonObject).phase, 'Running');
});

test('smp: $retainKeys on a Deployment strategy switch to Recreate', (t) => {
  const live = { spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } };
  const out = applyStrategicMergePatch(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentSchema);
  t.deepEqual(out, { spec: { replicas: 2, strategy: { type: 'Recreate' } } });
});

test('smp: without a schema, lists are replaced', (t) => {
  const live = { spec: { items: [1, 2], m: { a: 1 } } };
  const out = applyStrategicMergePatch(live, { spec: { items: [3], m: { b: 2 } } }, undefined);
  t.deepEqual(out, { spec: { items: [3], m: { a: 1, b: 2 } } });
});

test('smp: patch given as JSON text', (t) => {
  const out = applyStrategicMergePatch(pod(), '{"metadata":{"labels":{"app":"api"}}}', podSchema);
  t.is((meta(out).labels as JsonObject).app, 'api');
});

const errorCases: Array<{ name: string; patch: unknown; code: number; reason: string; message: RegExp; deployment?: boolean }> = [
  { name: 'not JSON', patch: '{nope', code: 400, reason: 'BadRequest', message: /error decoding patch/ },
  { name: 'not an object', patch: [1], code: 400, reason: 'BadRequest', message: /must be a JSON object/ },
  {
    name: 'element without merge key',
    patch: { spec: { containers: [{ image: 'x' }] } },
    code: 400,
    reason: 'BadRequest',
    message: /does not contain declared merge key: name/,
  },
  {
    name: 'unknown $patch directive',
    patch: { metadata: { labels: { $patch: 'explode' } } },
    code: 400,
    reason: 'BadRequest',
    message: /unknown patch type: explode/,
  },
  {
    name: '$retainKeys not a list of strings',
    patch: { spec: { strategy: { $retainKeys: 'type' } } },
    deployment: true,
    code: 400,
    reason: 'BadRequest',
    message: /invalid patch format of retainKeys/,
  },
  {
    name: 'patch keys outside $retainKeys',
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } },
    deployment: true,
    code: 422,
    reason: 'Invalid',
    message: /rejected our request/,
  },
  {
    name: '$deleteFromPrimitiveList not a list',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } },
    code: 400,
    reason: 'BadRequest',
    message: /invalid patch format of primitive list/,
  },
  {
    name: 'lists of lists',
    patch: { metadata: { finalizers: [['a']] } },
    code: 422,
    reason: 'Invalid',
    message: /rejected our request/,
  },
];

for (const c of errorCases) {
  test(`smp error: ${c.name}`, (t) => {
    const err = t.throws(() => applyStrategicMergePatch(pod(), c.patch, c.deployment ? deploymentSchema : podSchema), { instanceOf: StatusError });
    t.is(err?.code, c.code);
    t.is(String(err?.reason), c.reason);
    t.regex(err?.message ?? '', c.message);
  });
}
