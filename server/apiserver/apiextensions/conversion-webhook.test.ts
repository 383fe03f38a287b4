// The conversion webhook client against a real HTTPS server on loopback, reached by url and
// by a Service read from a fake cluster: the answer checks and the metadata restore, as
// upstream's webhook converter makes them.

import test from 'ava';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject } from '../../../api/types.ts';
import type { CustomResourceDefinition } from '../../../api/apiextensions/custom-resource-definition/types.ts';
import { generateCa, generateLeaf } from '../../pki/certs.ts';
import type { ClusterReader } from '../aggregation/types.ts';
import { conversionWebhook } from './conversion-webhook.ts';

type Review = { request: { uid: string; desiredAPIVersion: string; objects: KubeObject[] } };
let answer: (r: Review) => unknown = () => ({});
let port = 0;
let caBundle = '';
let server: https.Server;

test.before(async () => {
  const ca = await generateCa('conv-test-ca');
  const leaf = await generateLeaf(ca, { commonName: 'conv', sans: ['127.0.0.1', 'conv.hooks.svc'], usage: 'server' });
  caBundle = Buffer.from(ca.cert).toString('base64');
  server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = answer(JSON.parse(Buffer.concat(chunks).toString()) as Review);
      res.end(typeof out === 'string' ? out : JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
test.after.always(() => new Promise<void>((resolve) => server.close(() => resolve())));

const noCluster: ClusterReader = { get: async () => undefined, list: async () => [] };
const crd = (clientConfig: Record<string, unknown>, versions = ['v1']) => ({
  metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: versions, clientConfig: { ...clientConfig, caBundle } } } },
}) as unknown as CustomResourceDefinition;
const w1 = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'a', uid: 'u1', resourceVersion: '7', labels: { a: '1' } }, spec: { color: 'red' } };
const ok = (r: Review, change: (o: Record<string, unknown>) => void = () => undefined) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'ConversionReview',
  response: {
    uid: r.request.uid,
    result: { status: 'Success' },
    convertedObjects: r.request.objects.map((o) => {
      const c = { ...structuredClone(o), apiVersion: r.request.desiredAPIVersion } as Record<string, unknown>;
      change(c);
      return c;
    }),
  },
});

async function failure(t: import('ava').ExecutionContext, convert: () => Promise<unknown>): Promise<string> {
  const e = await t.throwsAsync(convert);
  t.true(e instanceof StatusError);
  t.is((e as StatusError).code, 500);
  t.is((e as StatusError).reason as string, '');
  return e?.message ?? '';
}

test.serial('by url: converted objects get the original metadata back, with the labels and annotations the webhook set', async (t) => {
  answer = (r) => ok(r, (o) => {
    o.metadata = { name: 'w1', namespace: 'a', uid: 'u1', resourceVersion: 'changed', labels: { b: '2' }, annotations: { n: 'x' } };
  });
  const [out] = await conversionWebhook(crd({ url: `https://127.0.0.1:${port}/convert` }), noCluster)!([w1], 'example.com/v2');
  t.is(out!.apiVersion, 'example.com/v2');
  t.deepEqual(out!.metadata, { name: 'w1', namespace: 'a', uid: 'u1', resourceVersion: '7', labels: { b: '2' }, annotations: { n: 'x' } });
});

const bad: Array<{ name: string; answer: (r: Review) => unknown; message: RegExp }> = [
  { name: 'not JSON', answer: () => 'garbage', message: /^conversion webhook for example\.com\/v1, Kind=Widget failed: couldn't get version\/kind; json parse error: / },
  { name: 'another kind of review', answer: (r) => ({ ...ok(r), kind: 'AdmissionReview' }), message: /failed: expected webhook response of apiextensions\.k8s\.io\/v1, Kind=ConversionReview, got apiextensions\.k8s\.io\/v1, Kind=AdmissionReview$/ },
  { name: 'the wrong uid', answer: (r) => ({ ...ok(r), response: { ...ok(r).response, uid: 'x' } }), message: /failed: expected response\.uid="[0-9a-f-]{36}", got "x"$/ },
  { name: 'a failure without message', answer: (r) => ({ ...ok(r), response: { uid: r.request.uid, result: { status: 'Failure' } } }), message: /failed: response\.result\.status was 'Failure', not 'Success'$/ },
  { name: 'too few objects', answer: (r) => ({ ...ok(r), response: { ...ok(r).response, convertedObjects: [] } }), message: /^conversion webhook for example\.com\/v1, Kind=Widget returned 0 objects, expected 1$/ },
  { name: 'the wrong version', answer: (r) => ok(r, (o) => (o.apiVersion = 'example.com/v1')), message: /returned invalid object at index 0: invalid groupVersion \(expected example\.com\/v2, received example\.com\/v1\)$/ },
  { name: 'a renamed object', answer: (r) => ok(r, (o) => ((o.metadata as { name: string }).name = 'w9')), message: /returned invalid object: must have the same name: w1 != w9$/ },
  { name: 'a label that is not a string', answer: (r) => ok(r, (o) => ((o.metadata as { labels: unknown }).labels = { a: 1 })), message: /returned invalid metadata: metadata\.labels\[a\] must be a string, but is number in converted object$/ },
];
for (const c of bad) {
  test.serial(`an answer with ${c.name} is upstream's 500`, async (t) => {
    answer = c.answer;
    t.regex(await failure(t, () => conversionWebhook(crd({ url: `https://127.0.0.1:${port}/convert` }), noCluster)!([w1], 'example.com/v2')), c.message);
  });
}

test.serial('by service: resolved through its EndpointSlice and checked against <svc>.<ns>.svc; a missing one is named as upstream names it', async (t) => {
  answer = (r) => ok(r);
  const service = { namespace: 'hooks', name: 'conv', path: '/convert', port: 8443 };
  const missing = await failure(t, () => conversionWebhook(crd({ service }), noCluster)!([w1], 'example.com/v2'));
  t.is(missing, 'conversion webhook for example.com/v1, Kind=Widget failed: Post "https://conv.hooks.svc:8443/convert?timeout=30s": service "conv" not found');
  const cluster: ClusterReader = {
    get: async () => ({ metadata: { name: 'conv', namespace: 'hooks' }, spec: { ports: [{ name: 'https', port: 8443 }] } }),
    list: async () => [{ metadata: { name: 'conv-1', labels: { 'kubernetes.io/service-name': 'conv' } }, addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'] }], ports: [{ name: 'https', port }] } as KubeObject],
  };
  const [out] = await conversionWebhook(crd({ service }), cluster)!([w1], 'example.com/v2');
  t.is(out!.apiVersion, 'example.com/v2');
});

test.serial('ConversionReview v1beta1 when the CRD asks for it: no uid check, as upstream', async (t) => {
  answer = (r) => ({ apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'ConversionReview', response: { ...ok(r).response, uid: '' } });
  const [out] = await conversionWebhook(crd({ url: `https://127.0.0.1:${port}/convert` }, ['v1beta1']), noCluster)!([w1], 'example.com/v2');
  t.is(out!.apiVersion, 'example.com/v2');
});
