import test from 'ava';
import protobuf from 'protobufjs';
import { readFileSync } from 'node:fs';
import { decodeProtobufBody, packageOf, PROTOBUF_MAGIC } from './decode.ts';

const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(new URL('./k8s-types.json', import.meta.url), 'utf8')));

/** Builds a body the way client-go does: magic, then runtime.Unknown{typeMeta, raw}. */
function body(apiVersion: string, kind: string, message: Record<string, unknown>): Buffer {
  const type = root.lookupType(`${packageOf(apiVersion)}.${kind}`);
  const raw = type.encode(type.fromObject(message)).finish();
  const unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const env = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish();
  return Buffer.concat([PROTOBUF_MAGIC, Buffer.from(env)]);
}

test('packageOf maps group versions to proto packages', (t) => {
  t.is(packageOf('v1'), 'k8s.io.api.core.v1');
  t.is(packageOf('apps/v1'), 'k8s.io.api.apps.v1');
  t.is(packageOf('rbac.authorization.k8s.io/v1'), 'k8s.io.api.rbac.v1');
  t.is(packageOf('meta.k8s.io/v1'), 'k8s.io.apimachinery.pkg.apis.meta.v1');
});

test('a ConfigMap decodes with maps, bytes and type meta', (t) => {
  const obj = decodeProtobufBody(
    body('v1', 'ConfigMap', {
      metadata: { name: 'cfg', namespace: '', labels: { a: 'b' } },
      data: { k: 'v', empty: '' },
      binaryData: { bin: Buffer.from('hi') },
    }),
  );
  t.deepEqual(obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { a: 'b' } }, data: { k: 'v', empty: '' }, binaryData: { bin: 'aGk=' } });
});

test('zero values written by gogo are dropped, meaningful pointer zeros kept, special types converted', (t) => {
  const obj = decodeProtobufBody(
    body('apps/v1', 'Deployment', {
      metadata: { name: 'web', creationTimestamp: { seconds: 0, nanos: 0 } },
      spec: {
        replicas: 0,
        minReadySeconds: 0,
        strategy: { type: '', rollingUpdate: { maxUnavailable: { type: 1, strVal: '25%' }, maxSurge: { type: 0, intVal: 1 } } },
        template: {
          metadata: { creationTimestamp: { seconds: 1700000000, nanos: 0 } },
          spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: { string: '100m' } } } }] },
        },
      },
    }),
  );
  t.deepEqual(obj.spec, {
    replicas: 0,
    strategy: { rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
    template: {
      metadata: { creationTimestamp: '2023-11-14T22:13:20Z' },
      spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '100m' } } }] },
    },
  });
  t.deepEqual(obj.metadata, { name: 'web' });
});

test('DeleteOptions sent under a group version resolve to meta/v1', (t) => {
  const obj = decodeProtobufBody(body('meta.k8s.io/v1', 'DeleteOptions', { gracePeriodSeconds: 0, propagationPolicy: 'Foreground' }));
  t.deepEqual(obj, { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
});

test('bad bodies are refused with a reason', (t) => {
  t.throws(() => decodeProtobufBody(Buffer.from('{"kind":"Pod"}')), { message: /missing "k8s\\x00" prefix/ });
  t.throws(() => decodeProtobufBody(Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x0a, 0xff, 0xff])])), { message: /unable to decode/ });
});
