// Writes as client libraries send them, through a started apiserver: bodies without kind or
// apiVersion (generated models omit both), replace with resourceVersion "0", and patches
// whose result has a value of the wrong type.

import test from 'ava';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from './app.ts';
import { ensurePki, type Pki } from '../pki/index.ts';
import { silentLogger } from '../log.ts';

let dir: string;
let pki: Pki;
let server: ApiServer;

function request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ code: number; body: Record<string, unknown> }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port, method, path, headers: { 'content-type': contentType }, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubets-typemeta-'));
  pki = await ensurePki(dir);
  server = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
});

test.after.always(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const NS = '/api/v1/namespaces/default';

test('create, replace and status update take bodies without kind or apiVersion', async (t) => {
  const created = await request('POST', `${NS}/configmaps`, { metadata: { name: 'bare' }, data: { a: '1' } });
  t.is(created.code, 201, JSON.stringify(created.body));
  t.like(created.body, { apiVersion: 'v1', kind: 'ConfigMap' });
  const replaced = await request('PUT', `${NS}/configmaps/bare`, { metadata: { name: 'bare' }, data: { a: '2' } });
  t.is(replaced.code, 200, JSON.stringify(replaced.body));
  t.like(replaced.body, { kind: 'ConfigMap', data: { a: '2' } });
  const d = await request('POST', '/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  t.is(d.code, 201, JSON.stringify(d.body));
  const status = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/web/status', { ...d.body, apiVersion: undefined, kind: undefined, status: { observedGeneration: 1 } });
  t.is(status.code, 200, JSON.stringify(status.body));
  t.like(status.body, { apiVersion: 'apps/v1', kind: 'Deployment', status: { observedGeneration: 1 } });
  const scale = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale', { metadata: { name: 'web' }, spec: { replicas: 3 } });
  t.is(scale.code, 200, JSON.stringify(scale.body));
  t.like(scale.body, { kind: 'Scale', spec: { replicas: 3 } });
});

test('a body naming another kind is refused as upstream refuses it, subresources included', async (t) => {
  const r = await request('POST', `${NS}/pods`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } });
  t.is(r.code, 400);
  t.like(r.body, { kind: 'Status', reason: 'BadRequest', message: 'Service in version "v1" cannot be handled as a Pod: converting (v1.Service) to (core.Pod): unknown conversion' });
  const b = await request('POST', `${NS}/pods/x/binding`, { apiVersion: 'v1', kind: 'Pod', target: { name: 'n' } });
  t.is(b.code, 400);
  t.is(b.body.message, 'Pod in version "v1" cannot be handled as a Binding: converting (v1.Pod) to (core.Binding): unknown conversion');
  const s = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale', { apiVersion: 'apps/v1', kind: 'Scale', spec: { replicas: 1 } });
  t.is(s.code, 400);
  t.is(s.body.message, 'Scale in version "v1" cannot be handled as a Scale: no kind "Scale" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"');
});

test('replace with resourceVersion "0" is unconditional; a stale one still conflicts', async (t) => {
  const c = await request('POST', `${NS}/configmaps`, { metadata: { name: 'rv0' }, data: { a: '1' } });
  t.is(c.code, 201);
  const r = await request('PUT', `${NS}/configmaps/rv0`, { metadata: { name: 'rv0', resourceVersion: '0' }, data: { a: '2' } });
  t.is(r.code, 200, JSON.stringify(r.body));
  t.like(r.body, { data: { a: '2' } });
  const stale = await request('PUT', `${NS}/configmaps/rv0`, { metadata: { name: 'rv0', resourceVersion: (c.body.metadata as { resourceVersion: string }).resourceVersion }, data: { a: '3' } });
  t.is(stale.code, 409);
  t.is(stale.body.reason, 'Conflict');
});

const SMP = 'application/strategic-merge-patch+json';
const patchCases: [string, string, unknown, string][] = [
  ['labels as a string', SMP, { metadata: { labels: 'invalid' } }, 'patch: Invalid value: "map[metadata:map[labels:invalid]]": cannot restore map from string'],
  ['containers as a string', SMP, { spec: { containers: 'x' } }, 'patch: Invalid value: "map[spec:map[containers:x]]": cannot restore slice from string'],
  ['a struct as a number', SMP, { spec: { securityContext: 3 } }, 'patch: Invalid value: "map[spec:map[securityContext:3]]": cannot restore struct from: int64'],
  ['an integer as a string', SMP, { spec: { activeDeadlineSeconds: 'x' } }, 'patch: Invalid value: "map[spec:map[activeDeadlineSeconds:x]]": cannot convert string to int64'],
  ['merge patch: labels as a string', 'application/merge-patch+json', { metadata: { labels: 'invalid' } }, 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
];

for (const [name, type, patch, message] of patchCases) {
  test(`a patch putting ${name} answers 422 in upstream's words`, async (t) => {
    const pod = `patch-${patchCases.findIndex((c) => c[0] === name)}`;
    const c = await request('POST', `${NS}/pods`, { metadata: { name: pod }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    t.is(c.code, 201, JSON.stringify(c.body));
    const r = await request('PATCH', `${NS}/pods/${pod}`, patch, type);
    t.is(r.code, 422, JSON.stringify(r.body));
    t.is(r.body.reason, 'Invalid');
    t.true((r.body.message as string).startsWith(' "" is invalid: patch: Invalid value: '), r.body.message as string);
    t.true((r.body.message as string).endsWith(message.replace(/^patch: Invalid value: "[^"]*": /, '')), r.body.message as string);
    if (type === SMP) t.is(r.body.message, ` "" is invalid: ${message}`);
  });
}

test('concurrent scale patches without a resourceVersion all land: a conflict is retried on a fresh read', async (t) => {
  const apps = '/apis/apps/v1/namespaces/default';
  const labels = { app: 'scaled' };
  const created = await request('POST', `${apps}/deployments`, {
    metadata: { name: 'scaled' },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  t.is(created.code, 201, JSON.stringify(created.body));
  const patches = await Promise.all(
    Array.from({ length: 8 }, (_, i) => request('PATCH', `${apps}/deployments/scaled/scale`, { spec: { replicas: i + 1 } }, 'application/merge-patch+json')),
  );
  t.deepEqual(patches.map((p) => p.code), Array(8).fill(200), JSON.stringify(patches.find((p) => p.code !== 200)?.body));
  // A patch that names a stale resourceVersion is still a conflict.
  const stale = await request('PATCH', `${apps}/deployments/scaled/scale`, { metadata: { resourceVersion: String(created.body.metadata && (created.body.metadata as { resourceVersion: string }).resourceVersion) }, spec: { replicas: 9 } }, 'application/merge-patch+json');
  t.is(stale.code, 409, JSON.stringify(stale.body));
});

test('a binding sets the node without a managedFields entry of its own, as upstream\'s binding storage', async (t) => {
  const pods = '/api/v1/namespaces/default/pods';
  const pod = { metadata: { name: 'bound' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  t.is((await request('POST', `${pods}?fieldManager=creator`, pod)).code, 201);
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'n1' } };
  const bound = await request('POST', `${pods}/bound/binding?fieldManager=scheduler`, binding);
  t.is(bound.code, 201, JSON.stringify(bound.body));
  const got = (await request('GET', `${pods}/bound`)).body as { spec: { nodeName?: string }; metadata: { managedFields?: Array<{ manager: string }> } };
  t.is(got.spec.nodeName, 'n1');
  t.deepEqual(got.metadata.managedFields?.map((m) => m.manager), ['creator']);
});
