// client-node's typed create beside raw HTTPS POSTs of the same Pods, 16 requests in flight,
// against one kubets (SQLite, apiserver only, its own process) in the same run, and the same
// library calls against a bare Node HTTPS server (bare-https.ts: kubets' TLS options, a canned
// Pod answer): the ceiling the library allows. Each row also gives the CPU per request of the
// bench process (the clients) and of the server process, so the gap splits into the library's
// and ours. Raw POSTs send the library's User-Agent, so kubets keeps managedFields for both
// (one row without it shows that cost). Run: npm run bench -- client-node (BENCH_OPS objects).
//
// client-node 1.4 builds a new https.Agent (no keepAlive, its own empty TLS session cache) for
// every request (KubeConfig.applySecurityAuthentication -> createAgent), so each call is a new
// TCP connection and a full TLS handshake with a client certificate; the last row is the same
// library with a kept-alive agent set through its middleware (README: "Testing your code").

import https from 'node:https';
import tls from 'node:tls';
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, ServerConfiguration, createConfiguration, type V1Pod } from '@kubernetes/client-node';
import { readKubeconfig, startKubets } from '../../conformance/harness.ts';
import { podObject } from './pod.ts';

const CONCURRENCY = 16;
const TICK_MS = 10;
const LIBRARY_USER_AGENT = 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)'; // /proc/PID/stat counts CPU in 1/100 s

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

async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** The kubets server process: the one whose command line names its data dir. */
async function pidServing(dataDir: string): Promise<number> {
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    const cmd = await readFile(`/proc/${d}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(`\0${dataDir}\0`) && cmd.includes('\0server\0')) return Number(d);
  }
  throw new Error(`no kubets process serves ${dataDir}`);
}

async function bareHttpsServer(pkiDir: string, cannedFile: string): Promise<{ port: number; pid: number; stop(): void }> {
  const script = new URL('./bare-https.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import=tsx', script, pkiDir, cannedFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
    child.once('exit', () => reject(new Error('bare HTTPS server exited')));
  });
  return { port, pid: child.pid!, stop: () => void child.kill() };
}

interface Row { what: string; rate: number; clientMs: number; serverMs: number; conns: number }

export async function benchClientNode(N = 800): Promise<void> {
  const kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager'] });
  const conns = countConnections();
  let bare: Awaited<ReturnType<typeof bareHttpsServer>> | undefined;
  const agents: https.Agent[] = [];
  try {
    const kubetsPid = await pidServing(kubets.dataDir);
    const creds = await readKubeconfig(kubets.kubeconfig);
    const kc = new KubeConfig();
    kc.loadFromFile(kubets.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    for (const ns of ['raw', 'noua', 'fresh', 'lib', 'kept']) await core.createNamespace({ body: { metadata: { name: ns } } });
    const tlsOpts = { ca: kubets.caCert, cert: creds.cert, key: creds.key };
    const keptAlive = (): https.Agent => {
      const a = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ...tlsOpts });
      agents.push(a);
      return a;
    };
    // Raw POSTs send the User-Agent the library sends (node-fetch's), as every real client sends
    // one: kubets, as upstream, names the field manager after it, so both store managedFields.
    const post = (agent: https.Agent, port: string | number, ns: string, body: string, userAgent: string | undefined = LIBRARY_USER_AGENT) => new Promise<string>((resolve, reject) => {
      const headers = { 'content-type': 'application/json', ...(userAgent ? { 'user-agent': userAgent } : {}) };
      const req = https.request({ agent, host: '127.0.0.1', port, method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 201 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`POST answered ${res.statusCode}`))));
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
    // The bare server answers every POST with the Pod kubets answered to this one.
    const cannedFile = join(kubets.dataDir, 'canned-pod.json');
    await writeFile(cannedFile, await post(keptAlive(), new URL(kubets.url).port, 'raw', JSON.stringify(podObject('raw', 999_999))));
    bare = await bareHttpsServer(join(kubets.dataDir, 'pki'), cannedFile);
    const bareUrl = `https://127.0.0.1:${bare.port}`;
    const kcBare = new KubeConfig();
    kcBare.loadFromString((await readFile(kubets.kubeconfig, 'utf8')).replaceAll(kubets.url, bareUrl));
    const coreBare = kcBare.makeApiClient(CoreV1Api);
    const kPort = Number(new URL(kubets.url).port);

    const typedOn = (api: CoreV1Api, ns: string) => async (i: number) => {
      const { apiVersion: _a, kind: _k, ...body } = podObject(ns, i);
      await api.createNamespacedPod({ namespace: ns, body: body as V1Pod });
    };
    // What the README shows users: the library's own configuration, with a middleware that
    // hands every request one kept-alive agent built from the kubeconfig's TLS options.
    const httpsOpts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(httpsOpts);
    const libAgent = new https.Agent({ keepAlive: true, ca: httpsOpts.ca, cert: httpsOpts.cert, key: httpsOpts.key });
    agents.push(libAgent);
    const coreKept = new CoreV1Api(createConfiguration({
      baseServer: new ServerConfiguration(kc.getCurrentCluster()!.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [{ pre: async (ctx) => (ctx.setAgent(libAgent), ctx), post: async (res) => res }],
    }));
    const rawKept = keptAlive();
    const rawBareKept = keptAlive();
    const paths: Array<{ what: string; pid: number; one: (i: number) => Promise<unknown> }> = [
      { what: 'raw POST -> kubets, kept-alive', pid: kubetsPid, one: (i) => post(rawKept, kPort, 'raw', JSON.stringify(podObject('raw', i))) },
      { what: 'raw POST -> kubets, kept-alive, no User-Agent', pid: kubetsPid, one: (i) => post(rawKept, kPort, 'noua', JSON.stringify(podObject('noua', i)), '') },
      { what: 'raw POST -> kubets, new connection each', pid: kubetsPid, one: (i) => post(new https.Agent(tlsOpts), kPort, 'fresh', JSON.stringify(podObject('fresh', i))) },
      { what: 'client-node -> kubets', pid: kubetsPid, one: typedOn(core, 'lib') },
      { what: 'client-node, kept-alive agent -> kubets', pid: kubetsPid, one: typedOn(coreKept, 'kept') },
      { what: 'raw POST -> bare server, kept-alive', pid: bare.pid, one: (i) => post(rawBareKept, bare!.port, 'raw', JSON.stringify(podObject('raw', i))) },
      { what: 'raw POST -> bare server, new connection each', pid: bare.pid, one: (i) => post(new https.Agent(tlsOpts), bare!.port, 'raw', JSON.stringify(podObject('raw', i))) },
      { what: 'client-node -> bare server', pid: bare.pid, one: typedOn(coreBare, 'lib') },
      { what: 'TLS handshakes alone -> kubets', pid: kubetsPid, one: () => handshake(kPort) },
      { what: 'TLS handshakes alone -> bare server', pid: bare.pid, one: () => handshake(bare!.port) },
    ];
    // Warm-up: every path, then the measured runs.
    for (const p of paths) await pool(50, (i) => p.one(100_000 + i).then(() => undefined));
    conns.take();
    // What each server burns with nothing to do (timers, housekeeping), per ms, taken off below.
    const idlePerMs = new Map<number, number>();
    for (const pid of [kubetsPid, bare.pid]) {
      const s0 = await cpuMsOf(pid);
      await new Promise((r) => setTimeout(r, 3000));
      idlePerMs.set(pid, ((await cpuMsOf(pid)) - s0) / 3000);
    }
    const rows: Row[] = [];
    for (const p of paths) {
      const [s0, c0, t0] = [await cpuMsOf(p.pid), process.cpuUsage(), performance.now()];
      const rate = await pool(N, (i) => p.one(i).then(() => undefined));
      const c = process.cpuUsage(c0);
      const serverMs = (await cpuMsOf(p.pid)) - s0 - idlePerMs.get(p.pid)! * (performance.now() - t0);
      rows.push({ what: p.what, rate, clientMs: (c.user + c.system) / 1000 / N, serverMs: serverMs / N, conns: conns.take() });
    }

    console.log(`pod create, ${N} objects, ${CONCURRENCY} in flight (ECDSA P-256 serving and client keys); CPU in ms per request (server: less its idle ${(idlePerMs.get(kubetsPid)! * 1000).toFixed(0)} ms/s)`);
    console.log(`  ${'path'.padEnd(44)} ${'rate'.padStart(9)}  client CPU  server CPU  new connections`);
    for (const r of rows) {
      console.log(`  ${r.what.padEnd(44)} ${r.rate.toFixed(0).padStart(6)} /s  ${r.clientMs.toFixed(2).padStart(10)}  ${r.serverMs.toFixed(2).padStart(10)}  ${String(r.conns).padStart(15)}`);
    }
    const [raw, noUa, fresh, lib, libKept, rawBare, freshBare, libBare, hsK, hsB] = rows;
    // The machine is shared: rates swing with the load between rows, CPU per request far less.
    const cpu = (r: Row) => r.clientMs + r.serverMs;
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    // A new connection's server CPU: kubets' beside a bare Node HTTPS server's with the same TLS.
    const connK = fresh.serverMs - raw.serverMs;
    const connB = freshBare.serverMs - rawBare.serverMs;
    // Ours: kubets' CPU per library request beyond the same request on a kept-alive connection
    // and what a bare server spends on the new connection the library makes each time.
    const ours = lib.serverMs - raw.serverMs - connB;
    const libCpu = cpu(lib);
    console.log(`  client-node vs raw, both -> kubets (issue 8 aims at 0.8x): ${x(lib.rate, raw.rate)} by rate, ${x(cpu(raw), cpu(lib))} by CPU; with a kept-alive agent ${x(libKept.rate, raw.rate)} / ${x(cpu(raw), cpu(libKept))}`);
    console.log(`  client-node -> kubets vs client-node -> bare server:      ${x(lib.rate, libBare.rate)} / ${x(cpu(libBare), cpu(lib))}`);
    console.log(`  raw -> kubets vs raw -> bare server, kept-alive:          ${x(raw.rate, rawBare.rate)} / ${x(cpu(rawBare), cpu(raw))}`);
    console.log(`  managedFields (a User-Agent names the manager), kubets CPU: ${ms(raw.serverMs - noUa.serverMs)} a create; raw without one ${x(noUa.rate, raw.rate)} the rate`);
    console.log(`  a new connection, server CPU: kubets ${ms(connK)}, bare server ${ms(connB)}; a TLS handshake alone ${ms(hsK.serverMs)} / ${ms(hsB.serverMs)}`);
    console.log(`  a library request costs ${ms(libCpu)} CPU: the library's client ${ms(lib.clientMs)}, a bare server's new connection ${ms(connB)}, kubets' request ${ms(raw.serverMs)}, ours beyond that ${ms(ours)} (${((100 * ours) / libCpu).toFixed(0)}%)`);
  } finally {
    conns.restore();
    for (const a of agents) a.destroy();
    bare?.stop();
    await kubets.stop();
  }
}
