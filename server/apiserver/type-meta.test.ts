// A body's kind and apiVersion: defaulted from the endpoint, refused with upstream's words when
// they disagree; the pure rule table, then the same through a started apiserver.

import test from 'ava';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.ts';
import { StatusError } from '../../api/meta/errors.ts';
import { defaultTypeMeta, type GroupVersionKind, type TypeMetaOptions } from './type-meta.ts';
import { startApiServer, type ApiServer } from './app.ts';
import { ensurePki, type Pki } from '../pki/index.ts';
import { silentLogger } from '../log.ts';

const POD: GroupVersionKind = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOY: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'Deployment' };
const HPA2: GroupVersionKind = { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' };
const WIDGET: GroupVersionKind = { group: 'example.com', version: 'v1', kind: 'Widget' };

const cases: { name: string; body: KubeObject; want: GroupVersionKind; opts?: TypeMetaOptions; result?: [string, string]; error?: [number, string] }[] = [
  { name: 'neither: both from the path', body: {}, want: DEPLOY, result: ['apps/v1', 'Deployment'] },
  { name: 'kind only', body: { kind: 'Pod' }, want: POD, result: ['v1', 'Pod'] },
  { name: 'apiVersion only', body: { apiVersion: 'apps/v1' }, want: DEPLOY, result: ['apps/v1', 'Deployment'] },
  { name: 'group without version', body: { apiVersion: 'apps/' }, want: DEPLOY, result: ['apps/v1', 'Deployment'] },
  { name: 'kind of another registered type', body: { apiVersion: 'v1', kind: 'Service' }, want: POD, error: [400, 'Service in version "v1" cannot be handled as a Pod: converting (v1.Service) to (core.Pod): unknown conversion'] },
  { name: 'kind nobody registered', body: { apiVersion: 'v1', kind: 'pod' }, want: POD, error: [400, 'pod in version "v1" cannot be handled as a Pod: no kind "pod" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'] },
  { name: 'right kind, group that lacks it', body: { apiVersion: 'apps/v1', kind: 'Pod' }, want: POD, error: [400, 'Pod in version "v1" cannot be handled as a Pod: no kind "Pod" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'] },
  { name: 'another version of the kind', body: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' }, want: HPA2, error: [400, 'the API version in the data (autoscaling/v1) does not match the expected API version (autoscaling/v2)'] },
  { name: 'an accepted other version', body: { apiVersion: 'policy/v1beta1', kind: 'Eviction' }, want: { group: 'policy', version: 'v1', kind: 'Eviction' }, opts: { accepts: ['policy/v1beta1'] }, result: ['policy/v1beta1', 'Eviction'] },
  { name: 'kind that is not a string', body: { kind: 3 } as unknown as KubeObject, want: POD, error: [400, "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string"] },
  { name: 'custom resource: kind required', body: { apiVersion: 'example.com/v1' }, want: WIDGET, opts: { custom: true }, error: [400, `Object 'Kind' is missing in '{"apiVersion":"example.com/v1"}'`] },
  { name: 'custom resource: other kind', body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }, want: WIDGET, opts: { custom: true }, error: [422, 'Gadget.example.com "g" is invalid: kind: Invalid value: "Gadget": must be Widget'] },
  { name: 'custom resource: other version', body: { apiVersion: 'example.com/v2', kind: 'Widget' }, want: WIDGET, opts: { custom: true }, error: [400, 'the API version in the data (example.com/v2) does not match the expected API version (example.com/v1)'] },
];

for (const c of cases) {
  test(`type meta: ${c.name}`, (t) => {
    const body = structuredClone(c.body);
    if (c.error) {
      const e = t.throws(() => defaultTypeMeta(body, c.want, c.opts), { instanceOf: StatusError });
      t.is(e?.code, c.error[0]);
      t.is(e?.message, c.error[1]);
      return;
    }
    defaultTypeMeta(body, c.want, c.opts);
    t.deepEqual([body.apiVersion, body.kind], c.result);
  });
}

let dir: string;
let pki: Pki;
let server: ApiServer;

function request(method: string, path: string, body?: unknown): Promise<{ code: number; body: Record<string, unknown> }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port, method, path, headers: { 'content-type': 'application/json' }, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey },
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
