// client-node's typed create beside raw HTTPS POSTs of the same Pods, 16 requests in flight,
// against one kubets (SQLite, apiserver only) in the same run. The library's own cost is
// its; ours must not grow with it. Run: npm run bench -- client-node (BENCH_OPS objects).

import https from 'node:https';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { readKubeconfig, startKubets } from '../../conformance/harness.ts';
import { podObject } from './pod.ts';

const CONCURRENCY = 16;

async function pool(n: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await one(next++);
  }));
  return n / ((performance.now() - started) / 1000);
}

export async function benchClientNode(N = 800): Promise<void> {
  const kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager'] });
  try {
    const creds = await readKubeconfig(kubets.kubeconfig);
    const kc = new KubeConfig();
    kc.loadFromFile(kubets.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    for (const ns of ['raw', 'lib']) await core.createNamespace({ body: { metadata: { name: ns } } });
    const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: kubets.caCert, cert: creds.cert, key: creds.key });
    const u = new URL(kubets.url);
    const post = (body: string) => new Promise<void>((resolve, reject) => {
      const req = https.request({ agent, host: u.hostname, port: u.port, method: 'POST', path: '/api/v1/namespaces/raw/pods', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
    // Warm-up: both paths, then the measured runs.
    await pool(50, (i) => post(JSON.stringify(podObject('raw', 100_000 + i))));
    await pool(50, async (i) => void (await core.createNamespacedPod({ namespace: 'lib', body: podObject('lib', 100_000 + i) as V1Pod })));
    const raw = await pool(N, (i) => post(JSON.stringify(podObject('raw', i))));
    const lib = await pool(N, async (i) => {
      const { apiVersion: _a, kind: _k, ...body } = podObject('lib', i);
      await core.createNamespacedPod({ namespace: 'lib', body: body as V1Pod });
    });
    console.log(`pod create, ${N} objects, ${CONCURRENCY} in flight`);
    console.log(`  raw HTTPS POST       ${raw.toFixed(0)} /s`);
    console.log(`  client-node typed    ${lib.toFixed(0)} /s   (${(lib / raw).toFixed(2)}x of raw)`);
    agent.destroy();
  } finally {
    await kubets.stop();
  }
}
