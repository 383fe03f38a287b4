// metrics.k8s.io against a real apiserver: a simulated node (its pods' requests as usage) and
// a stand-in kubelet serving /stats/summary (rates from two scrapes), read with raw requests
// and with the real `kubectl top`.

import test from 'ava';
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../app.ts';
import { silentLogger } from '../../log.ts';
import { ensurePki, type Pki } from '../../pki/index.ts';
import { generateLeaf } from '../../pki/certs.ts';
import { writeKubeconfig } from '../../pki/kubeconfig.ts';
import { createClient, type RestClient } from '../../../client/rest.ts';
import { kubectl } from '../../../conformance/harness.ts';
import { checkTool } from '../../../testing/tools.ts';
import { summaryPoint, usageBetween } from './usage.ts';

const NODES = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
let dir: string;
let pki: Pki;
let api: ApiServer;
let client: RestClient;
let kubeconfig: string;
let kubelet: https.Server;
let scrapes = 0;

async function node(name: string, port: number, simulated: boolean): Promise<void> {
  const n = await client.create(NODES, '', { metadata: { name, labels: { tier: name }, annotations: simulated ? { 'kubets.io/simulated': 'true' } : {} } });
  const status = { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } }, capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } };
  await client.update(NODES, '', { ...n, status }, { subresource: 'status' });
}

async function runningPod(name: string, nodeName: string, requests?: Record<string, string>): Promise<void> {
  const p = await client.create(PODS, 'default', { metadata: { name, labels: { app: name } }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox', resources: requests ? { requests } : {} }] } });
  await client.update(PODS, 'default', { ...p, status: { phase: 'Running' } }, { subresource: 'status' });
}

async function raw(path: string): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https.get(`${api.url}${path}`, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(body) as Record<string, unknown> }));
    }).on('error', reject);
  });
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubets-metrics-'));
  pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  api = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  kubeconfig = await writeKubeconfig(dir, pki, { server: api.url });
  client = createClient({ server: api.url, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, qps: 0 });
  // A stand-in kubelet: each /stats/summary 0.25 s of CPU further on (the node: 0.5 s), 64 MiB working set.
  const serving = await generateLeaf({ cert: pki.caCert, key: pki.caKey }, { commonName: 'system:node:real', organizations: ['system:nodes'], sans: ['127.0.0.1'], usage: 'server' });
  const started = Date.now();
  kubelet = https.createServer({ cert: serving.cert, key: serving.key, ca: pki.caCert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    if (req.url !== '/stats/summary') return void res.writeHead(404).end();
    scrapes++;
    const stamp = Date.now();
    const secs = (stamp - started) / 1000;
    const c = { name: 'c', cpu: { usageCoreNanoSeconds: Math.round(secs * 25e7), usageNanoCores: 0 }, memory: { workingSetBytes: 64 << 20 } };
    res.end(JSON.stringify({ node: { nodeName: 'real', cpu: { time: new Date(stamp).toISOString(), usageCoreNanoSeconds: Math.round(secs * 5e8) }, memory: { workingSetBytes: 1 << 30 } }, pods: [{ podRef: { namespace: 'default', name: 'busy' }, containers: [c] }, { podRef: { namespace: 'default', name: 'gone' }, containers: [c] }] }));
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  await node('real', (kubelet.address() as { port: number }).port, false);
  await node('sim-1', 1, true);
  await runningPod('busy', 'real');
  await runningPod('small', 'sim-1', { cpu: '250m', memory: '100Mi' });
  await runningPod('tiny', 'sim-1', { cpu: '10m' });
});

test.after.always(async () => {
  kubelet?.close();
  client?.close();
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

test('discovery lists metrics.k8s.io/v1beta1 with nodes and pods (get, list)', async (t) => {
  const r = await raw('/apis/metrics.k8s.io/v1beta1');
  const resources = (r.body.resources as { name: string; kind: string; namespaced: boolean; verbs: string[] }[]).map((x) => [x.name, x.kind, x.namespaced, x.verbs]);
  t.deepEqual(resources, [['nodes', 'NodeMetrics', false, ['get', 'list']], ['pods', 'PodMetrics', true, ['get', 'list']]]);
  t.is((await raw('/openapi/v2')).code, 200, 'the OpenAPI document still builds');
  t.is((await raw('/openapi/v3/apis/metrics.k8s.io/v1beta1')).code, 200);
  // As metrics-server's, but local: served here, no Service to proxy to.
  const svc = await eventuallyGet('/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io');
  t.is((svc.spec as { service?: unknown }).service, undefined);
  t.is((svc.spec as { group: string }).group, 'metrics.k8s.io');
});

async function eventuallyGet(path: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 50; i++) {
    const r = await raw(path);
    if (r.code === 200) return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${path}: not there within 5 s`);
}

test('NodeMetrics: the simulated node sums its running pods\' requests; the real one is rated between two scrapes', async (t) => {
  const list = (await raw('/apis/metrics.k8s.io/v1beta1/nodes')).body as { kind: string; items: { metadata: { name: string; labels: Record<string, string> }; usage: { cpu: string; memory: string }; window: string }[] };
  t.is(list.kind, 'NodeMetricsList');
  const sim = list.items.find((i) => i.metadata.name === 'sim-1')!;
  t.deepEqual(sim.usage, { cpu: '260000000n', memory: '102400Ki' });
  t.deepEqual(sim.metadata.labels, { tier: 'sim-1' });
  const real = list.items.find((i) => i.metadata.name === 'real')!;
  t.is(real.usage.memory, '1048576Ki');
  const cores = Number(real.usage.cpu.slice(0, -1)) / 1e9;
  t.true(cores > 0.3 && cores < 0.7, `about half a core: ${real.usage.cpu} over ${real.window}`);
  const before = scrapes;
  await raw('/apis/metrics.k8s.io/v1beta1/nodes/real');
  t.is(scrapes, before, 'asked again at once: served from the last scrape');
});

test('PodMetrics: only pods the API has running there, by namespace, with label selectors; 404 as metrics-server words it', async (t) => {
  const list = (await raw('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).body as { items: { metadata: { name: string }; containers: { name: string; usage: { cpu: string; memory: string } }[] }[] };
  t.deepEqual(list.items.map((i) => i.metadata.name), ['busy', 'small', 'tiny']);
  t.deepEqual(list.items[1].containers, [{ name: 'c', usage: { cpu: '250000000n', memory: '102400Ki' } }]);
  t.is(list.items[0].containers[0].usage.memory, '65536Ki');
  const picked = (await raw('/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dtiny')).body as { items: { metadata: { name: string } }[] };
  t.deepEqual(picked.items.map((i) => i.metadata.name), ['tiny']);
  const missing = await raw('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/gone');
  t.is(missing.code, 404);
  t.is(missing.body.message, 'podmetrics.metrics.k8s.io "default/gone" not found');
  const other = await raw('/apis/metrics.k8s.io/v1beta1/namespaces/other/pods');
  t.deepEqual((other.body as { items: unknown[] }).items, []);
});

test('kubectl top node and top pod read it', async (t) => {
  const tool = checkTool('kubectl');
  if (tool.skipReason) return t.pass(tool.skipReason);
  const nodes = await kubectl('kubectl', kubeconfig, ['top', 'node', 'sim-1']);
  t.is(nodes.code, 0, nodes.stderr);
  t.regex(nodes.stdout, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*\nsim-1\s+260m\s+6%\s+100Mi\s+1%\s*$/);
  const pods = await kubectl('kubectl', kubeconfig, ['top', 'pod', '-n', 'default', '--containers', 'small']);
  t.is(pods.code, 0, pods.stderr);
  t.regex(pods.stdout, /small\s+c\s+250m\s+100Mi/);
});

test('rates between two summary points; a container new since the first keeps the kubelet rate (pure)', (t) => {
  const s = (cpu: number, c: number, rate: number) => ({ node: { cpu: { usageCoreNanoSeconds: cpu }, memory: { workingSetBytes: 100 } }, pods: [{ podRef: { namespace: 'ns', name: 'p' }, containers: [{ name: 'c', cpu: { usageCoreNanoSeconds: c, usageNanoCores: rate }, memory: { workingSetBytes: 7 } }] }] });
  const u = usageBetween('n', summaryPoint(s(1e9, 5e8, 1), 1000), summaryPoint(s(3e9, 6e8, 2), 3000));
  t.is(u.windowMs, 2000);
  t.is(u.cpuNanoCores, 1e9);
  t.deepEqual(u.pods, [{ namespace: 'ns', name: 'p', containers: [{ name: 'c', cpuNanoCores: 5e7, memoryBytes: 7 }] }]);
  t.is(usageBetween('n', summaryPoint({}, 0), summaryPoint(s(1, 1, 42), 10)).pods[0].containers[0].cpuNanoCores, 42);
});

test('the window runs between the times the kubelet stamped its samples, not when they arrived (pure)', (t) => {
  const s = (cpu: number, time: string) => ({ node: { cpu: { time, usageCoreNanoSeconds: cpu }, memory: { workingSetBytes: 1 } } });
  // Received 3 s apart (a slow answer), stamped 1 s apart: 1 core, over 1 s.
  const u = usageBetween('n', summaryPoint(s(0, '2026-01-01T00:00:00Z'), 0), summaryPoint(s(1e9, '2026-01-01T00:00:01Z'), 3000));
  t.is(u.windowMs, 1000);
  t.is(u.cpuNanoCores, 1e9);
});
