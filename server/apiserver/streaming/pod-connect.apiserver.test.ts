// The apiserver side of logs, exec and node proxy against a real apiserver and a stand-in
// kubelet (HTTPS on loopback with a certificate from the cluster CA, a `ws` server for
// /exec): options checked with upstream's errors, the query the kubelet gets, the bytes a
// WebSocket client gets back, and prompt failures for unbound pods and simulated nodes.

import test from 'ava';
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, WebSocket } from 'ws';
import { startApiServer, type ApiServer } from '../app.ts';
import { silentLogger } from '../../log.ts';
import { ensurePki, type Pki } from '../../pki/index.ts';
import { generateLeaf } from '../../pki/certs.ts';
import { createClient, type RestClient } from '../../../client/rest.ts';

const NODES = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

let dir: string;
let pki: Pki;
let api: ApiServer;
let client: RestClient;
let kubelet: https.Server;
const seen: string[] = [];

async function raw(path: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(`${api.url}${path}`, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function node(name: string, port: number, simulated = false): Promise<void> {
  const n = await client.create(NODES, '', { metadata: { name, annotations: simulated ? { 'kubets.io/simulated': 'true' } : {} } });
  await client.update(NODES, '', { ...n, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, { subresource: 'status' });
}

async function pod(name: string, nodeName: string | undefined, containers = ['c']): Promise<void> {
  await client.create(PODS, 'default', { metadata: { name }, spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })) } });
  if (nodeName) await client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: nodeName } }, { subresource: 'binding', name });
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubets-streaming-'));
  pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  api = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  client = createClient({ server: api.url, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, qps: 0 });
  const serving = await generateLeaf({ cert: pki.caCert, key: pki.caKey }, { commonName: 'system:node:n1', organizations: ['system:nodes'], sans: ['127.0.0.1'], usage: 'server' });
  kubelet = https.createServer({ cert: serving.cert, key: serving.key, ca: pki.caCert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    seen.push(req.url ?? '');
    if (req.url?.startsWith('/containerLogs/default/p1/c?')) return void res.end('line 1\nline 2\n');
    if (req.url?.startsWith('/containerLogs/default/waiting/')) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      return void res.end('container "c" in pod "waiting" is waiting to start: ContainerCreating\n');
    }
    if (req.url === '/stats/summary') return void res.end(JSON.stringify({ node: { nodeName: 'n1' } }));
    res.writeHead(404);
    res.end('404 page not found\n');
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet.on('upgrade', (req, socket, head) => {
    seen.push(`${req.url} protocols=${req.headers['sec-websocket-protocol']} auth=${req.headers.authorization ?? ''}`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('hello from exec')]));
      ws.on('message', (m: Buffer) => ws.send(Buffer.concat([Buffer.from([1]), m.subarray(1)])));
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as { port: number }).port;
  await node('n1', port);
  await node('sim-1', 10250, true);
  await pod('p1', 'n1');
  await pod('waiting', 'n1');
  await pod('two', 'n1', ['a', 'b']);
  await pod('pending', undefined);
  await pod('onsim', 'sim-1');
});

test.after.always(async () => {
  client?.close();
  kubelet?.close();
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

test('logs: the kubelet gets the options, the client the bytes', async (t) => {
  const r = await raw('/api/v1/namespaces/default/pods/p1/log?tailLines=2&timestamps=true&sinceSeconds=10&limitBytes=100&follow=false');
  t.is(r.code, 200);
  t.is(r.body, 'line 1\nline 2\n');
  t.true(seen.includes('/containerLogs/default/p1/c?timestamps=true&tailLines=2&limitBytes=100&sinceSeconds=10'), seen.join('\n'));
});

const errors: [string, string, number, string, RegExp][] = [
  ['unknown container', '/api/v1/namespaces/default/pods/p1/log?container=nope', 400, 'BadRequest', /^container nope is not valid for pod p1$/],
  ['no container among several', '/api/v1/namespaces/default/pods/two/log', 400, 'BadRequest', /^a container name must be specified for pod two, choose one of: \[a b\]$/],
  ['negative tailLines', '/api/v1/namespaces/default/pods/p1/log?tailLines=-1', 422, 'Invalid', /^PodLogOptions "p1" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0$/],
  ['both since forms', '/api/v1/namespaces/default/pods/p1/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z', 422, 'Invalid', /at most one of `sinceTime` or `sinceSeconds`/],
  ['a kubelet refusal', '/api/v1/namespaces/default/pods/waiting/log', 400, 'BadRequest', /^container "c" in pod "waiting" is waiting to start: ContainerCreating$/],
  ['no such pod', '/api/v1/namespaces/default/pods/ghost/log', 404, 'NotFound', /^pods "ghost" not found$/],
  ['a simulated node', '/api/v1/namespaces/default/pods/onsim/log', 500, '', /^Get "https:\/\/127\.0\.0\.1:10250\/containerLogs\/default\/onsim\/c": dial tcp 127\.0\.0\.1:10250: node "sim-1" is simulated/],
  ['exec without an upgrade', '/api/v1/namespaces/default/pods/p1/exec?command=ls&stdout=true', 400, 'BadRequest', /^Upgrade request required$/],
  ['exec without streams', '/api/v1/namespaces/default/pods/p1/exec?command=ls', 400, 'BadRequest', /^you must specify at least 1 of stdin, stdout, stderr$/],
  ['exec into an unbound pod', '/api/v1/namespaces/default/pods/pending/exec?command=ls&stdout=true', 400, 'BadRequest', /^pod pending does not have a host assigned$/],
];

for (const [name, path, code, reason, message] of errors) {
  test(`logs and exec: ${name}`, async (t) => {
    const r = await raw(path);
    t.is(r.code, code, r.body);
    const s = JSON.parse(r.body) as { reason?: string; message?: string };
    t.is(s.reason ?? '', reason);
    t.regex(s.message ?? '', message);
  });
}

test('logs of a pod not yet on a node: empty, as upstream', async (t) => {
  t.deepEqual(await raw('/api/v1/namespaces/default/pods/pending/log'), { code: 200, body: '' });
});

test('exec over WebSocket reaches the kubelet with the protocol and without the bearer token', async (t) => {
  const token = Buffer.from('secret-token').toString('base64url').replace(/=+$/, '');
  const ws = new WebSocket(`${api.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/p1/exec?command=sh&stdin=true&stdout=true`, ['v5.channel.k8s.io', `base64url.bearer.authorization.k8s.io.${token}`], {
    ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey,
  });
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('echo me')])));
    ws.on('message', (m: Buffer) => {
      got.push(`${m[0]}:${m.subarray(1).toString()}`);
      if (got.length === 2) resolve();
    });
  });
  t.is(ws.protocol, 'v5.channel.k8s.io');
  ws.close();
  t.deepEqual(got, ['1:hello from exec', '1:echo me']);
  t.true(seen.includes('/exec/default/p1/c?stdin=true&stdout=true&command=sh protocols=v5.channel.k8s.io auth='), seen.join('\n'));
});

test('nodes/proxy reaches the kubelet', async (t) => {
  const r = await raw('/api/v1/nodes/n1/proxy/stats/summary');
  t.is(r.code, 200);
  t.deepEqual(JSON.parse(r.body), { node: { nodeName: 'n1' } });
});
