// The HTTP layer end to end in-process: responses of 128 KiB or more are gzipped for clients
// that accept it, smaller ones and other clients get plain JSON.

import test from 'ava';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startApiServer, type ApiServer } from './app.ts';
import { ensurePki, type Pki } from '../pki/index.ts';
import { silentLogger } from '../log.ts';

let dir: string;
let pki: Pki;
let server: ApiServer;

function request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ code: number; headers: Record<string, unknown>; body: Buffer }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port, method, path, headers, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubets-http-'));
  pki = await ensurePki(dir);
  server = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  for (let i = 0; i < 40; i++) {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}` }, data: { blob: 'x'.repeat(5000) } });
    const r = await request('POST', '/api/v1/namespaces/default/configmaps', { 'content-type': 'application/json' }, body);
    if (r.code !== 201) throw new Error(`create answered ${r.code}: ${r.body}`);
  }
});

test.after.always(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a large list is gzipped for a client that accepts gzip', async (t) => {
  const r = await request('GET', '/api/v1/namespaces/default/configmaps', { 'accept-encoding': 'gzip' });
  t.is(r.code, 200);
  t.is(r.headers['content-encoding'], 'gzip');
  const list = JSON.parse(gunzipSync(r.body).toString('utf8')) as { kind: string; items: unknown[] };
  t.is(list.kind, 'ConfigMapList');
  t.is(list.items.length, 40);
});

test('without Accept-Encoding, or for a small answer, the body is plain', async (t) => {
  const plain = await request('GET', '/api/v1/namespaces/default/configmaps', {});
  t.is(plain.headers['content-encoding'], undefined);
  t.is((JSON.parse(plain.body.toString('utf8')) as { items: unknown[] }).items.length, 40);
  const small = await request('GET', '/api/v1/namespaces/default/configmaps/big-0', { 'accept-encoding': 'gzip' });
  t.is(small.headers['content-encoding'], undefined);
  t.is((JSON.parse(small.body.toString('utf8')) as { metadata: { name: string } }).metadata.name, 'big-0');
});

test('a cluster-scoped resource under /namespaces/{ns}/ is 404; the Namespace itself is served', async (t) => {
  const under = await request('GET', '/api/v1/namespaces/default/nodes', {});
  t.is(under.code, 404);
  const ns = await request('GET', '/api/v1/namespaces/default', {});
  t.is(ns.code, 200);
  t.is((JSON.parse(ns.body.toString()) as { metadata: { name: string } }).metadata.name, 'default');
  const status = await request('GET', '/api/v1/namespaces/default/status', {});
  t.is(status.code, 200);
});
