// client-node's typed create beside raw HTTPS POSTs of the same Pods, 16 requests in flight,
// against one kubets (SQLite, apiserver only) in the same run. The library's own cost is
// its; ours must not grow with it. Run: npm run bench -- client-node (BENCH_OPS objects).
//
// client-node 1.4 builds a new https.Agent (no keepAlive, its own empty TLS session cache) for
// every request (KubeConfig.applySecurityAuthentication -> createAgent), so each call is a new
// TCP connection and a full TLS handshake with a client certificate. The rows split that out:
// raw POSTs on kept-alive sockets, raw POSTs on a new connection each (what the library does),
// the library itself, and TLS handshakes alone against kubets and against a bare Node TLS
// server with the same certificate and key (what a handshake costs Node, before any of ours).

import https from 'node:https';
import tls from 'node:tls';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** Counts the TCP+TLS connections https agents open (the library's included). */
function countConnections(): { take(): number; restore(): void } {
  const proto = https.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => unknown };
  const original = proto.createConnection;
  let n = 0;
  proto.createConnection = function (this: unknown, ...a: unknown[]) {
    n++;
    return original.apply(this, a);
  };
  return {
    take: () => {
      const v = n;
      n = 0;
      return v;
    },
    restore: () => void (proto.createConnection = original),
  };
}

/** A bare Node TLS server in its own process, as kubets serves: same key, client certs asked for. */
const BARE_TLS = `
const tls = require('node:tls');
const [key, cert, ca] = JSON.parse(process.argv[1]);
const s = tls.createServer({ key, cert, ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (c) => c.end());
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

async function bareTlsServer(pkiDir: string): Promise<{ port: number; stop(): void }> {
  const files = await Promise.all(['apiserver.key', 'apiserver.crt', 'ca.crt'].map((f) => readFile(join(pkiDir, f), 'utf8')));
  const child = spawn(process.execPath, ['-e', BARE_TLS, JSON.stringify(files)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
    child.once('exit', () => reject(new Error('bare TLS server exited')));
  });
  return { port, stop: () => void child.kill() };
}

export async function benchClientNode(N = 800): Promise<void> {
  const kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager'] });
  const conns = countConnections();
  const bare = await bareTlsServer(join(kubets.dataDir, 'pki'));
  try {
    const creds = await readKubeconfig(kubets.kubeconfig);
    const kc = new KubeConfig();
    kc.loadFromFile(kubets.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    for (const ns of ['raw', 'fresh', 'lib']) await core.createNamespace({ body: { metadata: { name: ns } } });
    const tlsOpts = { ca: kubets.caCert, cert: creds.cert, key: creds.key };
    const keptAlive = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ...tlsOpts });
    const u = new URL(kubets.url);
    const post = (agent: https.Agent, ns: string, body: string) => new Promise<void>((resolve, reject) => {
      const req = https.request({ agent, host: u.hostname, port: u.port, method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
    const handshake = (port: number) => new Promise<void>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ...tlsOpts }, () => {
        s.destroy();
        resolve();
      });
      s.on('error', reject);
    });
    const typed = async (i: number) => {
      const { apiVersion: _a, kind: _k, ...body } = podObject('lib', i);
      await core.createNamespacedPod({ namespace: 'lib', body: body as V1Pod });
    };
    // Warm-up: every path, then the measured runs.
    await pool(50, (i) => post(keptAlive, 'raw', JSON.stringify(podObject('raw', 100_000 + i))));
    await pool(50, (i) => post(new https.Agent(tlsOpts), 'fresh', JSON.stringify(podObject('fresh', 100_000 + i))));
    await pool(50, (i) => typed(100_000 + i));
    await pool(50, () => handshake(bare.port));
    conns.take();

    const raw = await pool(N, (i) => post(keptAlive, 'raw', JSON.stringify(podObject('raw', i))));
    const rawConns = conns.take();
    const fresh = await pool(N, (i) => post(new https.Agent(tlsOpts), 'fresh', JSON.stringify(podObject('fresh', i))));
    const freshConns = conns.take();
    const lib = await pool(N, typed);
    const libConns = conns.take();
    const hsKubets = await pool(N, () => handshake(Number(u.port)));
    const hsBare = await pool(N, () => handshake(bare.port));

    const row = (what: string, rate: number, c: string, ratio = '') => console.log(`  ${what.padEnd(44)} ${rate.toFixed(0).padStart(6)} /s  ${c.padEnd(22)} ${ratio}`);
    console.log(`pod create, ${N} objects, ${CONCURRENCY} in flight (ECDSA P-256 serving and client keys)`);
    row('raw HTTPS POST, kept-alive sockets', raw, `${rawConns} new connections`);
    row('raw HTTPS POST, a new connection each', fresh, `${freshConns} new connections`, `${(fresh / raw).toFixed(2)}x of kept-alive`);
    row('client-node typed create', lib, `${libConns} new connections`, `${(lib / raw).toFixed(2)}x of raw, ${(lib / fresh).toFixed(2)}x of raw on new connections`);
    row('TLS handshakes alone: kubets', hsKubets, '');
    row('TLS handshakes alone: bare Node TLS server', hsBare, '', `kubets at ${(hsKubets / hsBare).toFixed(2)}x`);
    keptAlive.destroy();
  } finally {
    conns.restore();
    bare.stop();
    await kubets.stop();
  }
}
