// The kubelet server over real HTTPS with a fake runtime: who may ask is the apiserver's
// answer (here a stand-in backend: the real one is in conformance/node), logs come from the CRI log file the runtime names, exec is joined to the URL the
// runtime hands out (a `ws` server standing in for containerd's), upstream's errors otherwise.

import test from 'ava';
import https from 'node:https';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { generateCa, generateLeaf } from '../../../server/pki/certs.ts';
import type { CriClient } from '../../cri/client.ts';
import { startKubeletServer, type KubeletServer } from './index.ts';
import { nodeAttributes, type KubeletAuthBackend } from './auth.ts';

const LABELS = (pod: string, c: string) => ({ 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.name': pod, 'io.kubernetes.container.name': c });
let dir: string;
let server: KubeletServer;
let runtime: http.Server;
let ca: { cert: string; key: string };
let admin: { cert: string; key: string };
let user: { cert: string; key: string };

const reviews: string[] = [];
// Stands in for the apiserver: one token, and RBAC-like answers (masters anything, bob nodes/proxy only).
const auth: KubeletAuthBackend = {
  reviewToken: async (token) => (reviews.push(`token ${token}`), token === 'bob-token' ? { username: 'bob', groups: ['devs', 'system:authenticated'] } : undefined),
  review: async (u, a) => (reviews.push(`${u.username} ${a.verb} nodes/${a.subresource} ${a.name}`), { allowed: u.groups.includes('system:masters') || (u.username === 'bob' && a.subresource === 'proxy') }),
};

async function get(path: string, who: { cert: string; key: string } | string | null = admin): Promise<{ code: number; body: string }> {
  const creds = typeof who === 'string' ? { headers: { authorization: `Bearer ${who}` } } : who ? { cert: who.cert, key: who.key } : {};
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: server.port, path, ca: ca.cert, ...creds }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubets-kubelet-server-'));
  ca = await generateCa('test-ca');
  admin = await generateLeaf(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  user = await generateLeaf(ca, { commonName: 'alice', organizations: ['devs'], usage: 'client' });
  const serving = await generateLeaf(ca, { commonName: 'system:node:n1', organizations: ['system:nodes'], sans: ['127.0.0.1'], usage: 'server' });
  await writeFile(join(dir, 'c1.log'), '2026-12-07T02:00:00.1Z stdout F hello\n2026-12-07T02:00:01.1Z stderr F world\n');
  await writeFile(join(dir, 'c0.log'), '2026-12-07T01:00:00.1Z stdout F before the restart\n');
  runtime = http.createServer();
  const wss = new WebSocketServer({ server: runtime, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  wss.on('connection', (ws, req) => ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`runtime got ${req.url}`)])));
  await new Promise<void>((r) => runtime.listen(0, '127.0.0.1', r));
  const rport = (runtime.address() as { port: number }).port;
  const containers = [
    { id: 'c1', podSandboxId: 's1', metadata: { name: 'app', attempt: 1 }, state: 'CONTAINER_RUNNING', createdAt: 2e18, labels: LABELS('p1', 'app') },
    { id: 'c0', podSandboxId: 's1', metadata: { name: 'app', attempt: 0 }, state: 'CONTAINER_EXITED', createdAt: 1e18, labels: LABELS('p1', 'app') },
    { id: 'd0', podSandboxId: 's1', metadata: { name: 'done', attempt: 0 }, state: 'CONTAINER_EXITED', createdAt: 1e18, labels: LABELS('p1', 'done') },
  ];
  const match = (labels: Record<string, string>, sel?: Record<string, string>) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);
  const cri = {
    runtime: {
      listContainers: async (f?: { labelSelector?: Record<string, string>; state?: { state: string } }) => containers.filter((c) => match(c.labels, f?.labelSelector) && (!f?.state || c.state === f.state.state)),
      listPodSandbox: async (f?: { labelSelector?: Record<string, string> }) => [{ id: 's1', metadata: { name: 'p1', namespace: 'default', uid: 'u1', attempt: 0 }, state: 'SANDBOX_READY', createdAt: 1e18, labels: LABELS('p1', '') }].filter((x) => !f?.labelSelector?.['io.kubernetes.pod.name'] || x.metadata.name === f.labelSelector['io.kubernetes.pod.name']),
      containerStatus: async (id: string) => ({ ...containers.find((c) => c.id === id), logPath: join(dir, `${id}.log`) }),
      exec: async (r: { containerId: string; cmd: string[] }) => `http://127.0.0.1:${rport}/exec/${r.containerId}-${r.cmd.join('_')}`,
      listContainerStats: async () => [{ attributes: { id: 'c1' }, cpu: { usageCoreNanoSeconds: { value: 5e9 }, usageNanoCores: { value: 2e6 } }, memory: { workingSetBytes: { value: 3 << 20 } } }],
    },
  } as unknown as CriClient;
  server = await startKubeletServer({ cri, nodeName: 'n1', dataDir: dir, log: { error() {}, warn() {}, info() {}, debug() {} }, kubelet: () => undefined, caPem: ca.cert, auth, serving, addresses: [], port: 0, bindAddress: '127.0.0.1' });
});

test.after.always(async () => {
  await server?.close();
  runtime?.close();
  await rm(dir, { recursive: true, force: true });
});

test('who may ask: the apiserver decides (TokenReview, SubjectAccessReview on nodes/<sub>), with answers cached', async (t) => {
  t.is((await get('/healthz')).body, 'ok');
  t.deepEqual(await get('/healthz', null), { code: 401, body: 'Unauthorized\n' });
  t.deepEqual(await get('/healthz', 'who-knows'), { code: 401, body: 'Unauthorized\n' });
  t.deepEqual(await get('/healthz', user), { code: 403, body: 'Forbidden (user=alice, verb=get, resource=nodes, subresource=proxy)\n' });
  t.is((await get('/containerLogs/default/p1/app', 'bob-token')).body, 'hello\nworld\n');
  t.deepEqual(await get('/stats/summary', 'bob-token'), { code: 403, body: 'Forbidden (user=bob, verb=get, resource=nodes, subresource=stats)\n' });
  const before = reviews.length;
  t.is((await get('/containerLogs/default/p1/app', 'bob-token')).code, 200);
  t.is(reviews.length, before, 'the token and the decision come from the cache');
  t.true(reviews.includes('bob get nodes/proxy n1'));
});

test('the kubelet path and method as node attributes, as upstream maps them', (t) => {
  const cases: [string, string, string, string][] = [
    ['GET', '/stats/summary', 'get', 'stats'],
    ['GET', '/metrics/resource', 'get', 'metrics'],
    ['GET', '/logs/syslog', 'get', 'log'],
    ['GET', '/spec/', 'get', 'spec'],
    ['POST', '/exec/ns/p/c', 'create', 'proxy'],
    ['GET', '/containerLogs/ns/p/c', 'get', 'proxy'],
    ['GET', '/pods', 'get', 'proxy'],
  ];
  for (const [method, path, verb, subresource] of cases) t.deepEqual(nodeAttributes(method, path, 'n1'), { verb, subresource, name: 'n1' }, `${method} ${path}`);
});

const logCases: [string, string, number, string][] = [
  ['the current container', '/containerLogs/default/p1/app', 200, 'hello\nworld\n'],
  ['timestamps and tailLines', '/containerLogs/default/p1/app?timestamps=true&tailLines=1', 200, '2026-12-07T02:00:01.1Z world\n'],
  ['the previous container', '/containerLogs/default/p1/app?previous=true', 200, 'before the restart\n'],
  ['no previous container', '/containerLogs/default/p1/done?previous=true', 400, 'previous terminated container "done" in pod "p1" not found\n'],
  ['a container not yet created', '/containerLogs/default/p1/later', 400, 'container "later" in pod "p1" is waiting to start: ContainerCreating\n'],
  ['a pod this node does not run', '/containerLogs/default/ghost/app', 404, 'pod "ghost" does not exist\n'],
];
for (const [name, path, code, body] of logCases) {
  test(`logs: ${name}`, async (t) => t.deepEqual(await get(path), { code, body }));
}

test('stats/summary: the node and the pod with its container', async (t) => {
  const s = JSON.parse((await get('/stats/summary')).body) as { node: { nodeName: string; memory: { workingSetBytes: number } }; pods: { podRef: unknown; containers: { name: string; cpu: { usageNanoCores: number } }[]; memory: { workingSetBytes: number } }[] };
  t.is(s.node.nodeName, 'n1');
  t.true(s.node.memory.workingSetBytes > 0);
  t.deepEqual(s.pods[0].podRef, { name: 'p1', namespace: 'default', uid: 'u1' });
  t.deepEqual(s.pods[0].containers.map((c) => [c.name, c.cpu.usageNanoCores]), [['app', 2e6]]);
  t.is(s.pods[0].memory.workingSetBytes, 3 << 20);
});

test('metrics/resource: the summary as Prometheus text (cumulative CPU seconds, working sets)', async (t) => {
  const r = await get('/metrics/resource');
  t.is(r.code, 200);
  t.regex(r.body, /^# HELP container_cpu_usage_seconds_total \[STABLE\]/);
  t.regex(r.body, /\ncontainer_cpu_usage_seconds_total\{container="app",namespace="default",pod="p1"\} 5 \d{13}\n/);
  t.regex(r.body, /\ncontainer_memory_working_set_bytes\{container="app",namespace="default",pod="p1"\} 3145728 \d{13}\n/);
  t.regex(r.body, /\nnode_memory_working_set_bytes \d+ \d{13}\n/);
  t.regex(r.body, /\nresource_scrape_error 0\n$/);
  t.is((await get('/metrics/resource', 'bob-token')).code, 403, 'nodes/metrics, not nodes/proxy');
});

test('exec: joined to the runtime URL; a finished container is not found', async (t) => {
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}/exec/default/p1/app?command=echo&command=hi&stdout=true`, ['v4.channel.k8s.io'], { ca: ca.cert, cert: admin.cert, key: admin.key });
  const msg = await new Promise<Buffer>((resolve, reject) => {
    ws.on('message', resolve);
    ws.on('error', reject);
  });
  ws.close();
  t.is(msg.subarray(1).toString(), 'runtime got /exec/c1-echo_hi');
  const bad = new WebSocket(`wss://127.0.0.1:${server.port}/exec/default/p1/done?command=ls&stdout=true`, ['v4.channel.k8s.io'], { ca: ca.cert, cert: admin.cert, key: admin.key });
  const err = await new Promise<string>((resolve) => bad.on('unexpected-response', (_req, res) => {
    let b = '';
    res.on('data', (c: Buffer) => (b += c.toString()));
    res.on('end', () => resolve(`${res.statusCode} ${b}`));
  }));
  t.is(err, '500 container not found ("done")\n');
});
