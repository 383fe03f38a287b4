// One bench cluster: an apiserver in this process on loopback (sqlite in a temp dir), the
// leader-elected controller-manager, scheduler and cloud-controller-manager as `kubets server`
// runs them (server/control-plane-process.ts: by default in a child, bench/scheduling/cp-child.ts,
// which only adds call timing; or in this process, `--control-plane in-process`), and N
// simulated nodes either in this process or in a child (bench/scheduling/sim-child.ts).
// BENCH_CP_CPU_PROF=DIR writes a .cpuprofile of the control-plane child there.

import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../../server/apiserver/app.ts';
import { ensurePki, type Pki } from '../../server/pki/index.ts';
import { createLogger, silentLogger } from '../../server/log.ts';
import { controlPlaneConfig, forkControlPlane, runControlPlane } from '../../server/control-plane-process.ts';
import { createLoopbackClient, type RestClient, type RestConfig } from '../../client/rest.ts';
import { createInformerFactory, stripManagedFields } from '../../client/informer.ts';
import { systemClock } from '../../client/clock.ts';
import { startSimulatedNodes, type SimulatedNodes } from '../../node/sim/index.ts';
import type { ResourceRef } from '../../client/types.ts';
import { CallTimes, timedClient } from './instrument.ts';
import type { MemoryFigures } from './memory.ts';
import { childEntry } from './compiled.ts';

export type SimMode = 'inproc' | 'child';
/** Where the controller-manager and scheduler run: in the apiserver's process, or in a child (`kubets server`'s default). */
export type ControlPlaneMode = 'inproc' | 'child';

export const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };
const SERVICEACCOUNTS: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };

export interface Cluster {
  pki: Pki;
  server: ApiServer;
  client: RestClient;
  /** The controller-manager's and scheduler's calls, timed client-side. */
  calls: CallTimes;
  /** Seconds the nodes took to register. */
  registerSeconds: number;
  /** Tells the children the workload starts now (their memory baseline). */
  mark(): void;
  /** Tells the children the workload ended; with BENCH_HEAP_SNAPSHOT, resolves once their snapshots are written. */
  end(): Promise<void>;
  /**
   * CPU seconds and memory of the sim and the control plane when they ran in a child (in-process:
   * not separable, undefined). The children measure their memory before they stop.
   */
  stop(): Promise<{ simCpuSeconds?: number; cpCpuSeconds?: number; simMemory?: MemoryFigures; cpMemory?: MemoryFigures }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface Stopped {
  type: 'stopped';
  cpuSeconds?: number;
  byCall?: Record<string, number[]>;
  maxInFlight?: number;
  memory?: MemoryFigures;
}

/** A heap snapshot of a big heap takes a while: the children get longer to stop. */
const STOP_TIMEOUT_MS = process.env.BENCH_HEAP_SNAPSHOT ? 300_000 : 10_000;

function forkChild(file: 'sim-child', args: string[]): { child: ChildProcess; ready: Promise<void> } {
  const { entry, execArgv } = childEntry(file);
  // Explicit execArgv: a --cpu-prof given to the bench profiles this process only.
  const child = fork(entry, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type?: string; message?: string }) => {
      if (m.type === 'ready') resolve();
      if (m.type === 'error') reject(new Error(`${file}: ${m.message}`));
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, ready };
}

function stopChild(child: ChildProcess): Promise<Stopped | undefined> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(undefined);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(undefined);
    }, STOP_TIMEOUT_MS);
    child.on('message', (m: Stopped) => {
      if (m.type !== 'stopped') return;
      clearTimeout(timer);
      resolve(m);
    });
    child.send({ type: 'stop' });
  });
}

export async function startCluster(opts: { nodes: number; sim: SimMode; cp: ControlPlaneMode; namespace: string; deadline: number }): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-bench-sched-'));
  const pki = await ensurePki(dir, { bindAddress: '127.0.0.1' });
  const server = await startApiServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  const tls = { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey };
  const client = createLoopbackClient(server.url, tls, { userAgent: 'kubets-bench' });
  const calls = new CallTimes();
  // The children's server and credentials, as the RestConfig they hand to createClient.
  const credentials = join(dir, 'bench-client.json');
  writeFileSync(credentials, JSON.stringify({ server: server.url, ...tls } satisfies RestConfig), { mode: 0o600 });
  /** The children's pids: SIGUSR2 marks the start of the workload (./memory.ts). */
  const children: (() => number | undefined)[] = [];
  let cpStop: () => Promise<Stopped | undefined>;
  const config = controlPlaneConfig(pki, server.url, { components: ['controllers', 'scheduler', 'cloud-controller-manager'], releaseLeases: true, identity: 'kubets-bench', verbosity: 0 });
  if (opts.cp === 'child') {
    const profileDir = process.env.BENCH_CP_CPU_PROF;
    const { entry, execArgv } = childEntry('cp-child');
    const child = await forkControlPlane(config, {
      log: createLogger({ verbosity: 0 }),
      entry,
      args: [],
      // Explicit: a --cpu-prof given to the bench profiles this process only.
      execArgv: [...execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
      stopTimeoutMs: STOP_TIMEOUT_MS,
    });
    children.push(() => child.pid());
    cpStop = async () => {
      const m = (await child.stop()) as (Stopped & { cpuSeconds: number }) | undefined;
      for (const [what, list] of Object.entries(m?.byCall ?? {})) for (const ms of list) calls.record(what, ms);
      calls.maxInFlight = m?.maxInFlight ?? 0;
      return m;
    };
  } else {
    const cp = runControlPlane(config, createLogger({ verbosity: 0 }), (c) => timedClient(c, calls));
    cpStop = async () => {
      await cp.stop();
      return undefined;
    };
  }

  const t0 = performance.now();
  let sim: SimulatedNodes | undefined;
  let simStop: () => Promise<Stopped | undefined>;
  if (opts.sim === 'child') {
    const { child, ready } = forkChild('sim-child', [credentials, String(opts.nodes)]);
    simStop = () => stopChild(child);
    await ready;
    children.push(() => child.pid);
  } else {
    const simClient = createLoopbackClient(server.url, tls, { userAgent: 'kubets-bench-sim' });
    const informers = createInformerFactory(simClient, { transform: stripManagedFields });
    sim = startSimulatedNodes({ client: simClient, informers, count: opts.nodes, log: silentLogger, clock: systemClock });
    informers.start();
    simStop = async () => {
      sim?.stop();
      informers.stop();
      simClient.close();
      return undefined;
    };
    await sim.ready;
  }
  const registerSeconds = (performance.now() - t0) / 1000;

  // Both loops lead, and pods in the namespace can be admitted (its default ServiceAccount exists).
  await client.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace } });
  for (const name of ['kube-scheduler', 'kube-controller-manager']) {
    await until(`the ${name} lease`, opts.deadline, async () => Boolean(((await client.get(LEASES, 'kube-system', name)).spec as { holderIdentity?: string })?.holderIdentity));
  }
  await until('the default ServiceAccount', opts.deadline, async () => Boolean(await client.get(SERVICEACCOUNTS, opts.namespace, 'default')));

  return {
    pki,
    server,
    client,
    calls,
    registerSeconds,
    mark() {
      for (const pid of children) {
        const p = pid();
        if (p) process.kill(p, 'SIGUSR2');
      }
    },
    async end() {
      const dir = process.env.BENCH_HEAP_SNAPSHOT;
      const pids = children.map((pid) => pid()).filter((p): p is number => p !== undefined);
      for (const p of pids) process.kill(p, 'SIGUSR2');
      if (!dir) return;
      const written = (p: number) => readdirSync(dir).some((f) => f.endsWith(`-${p}.heapsnapshot`));
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!pids.every(written) && Date.now() < deadline) await sleep(200);
    },
    async stop() {
      const sim = await simStop();
      const cp = await cpStop();
      client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      return { simCpuSeconds: sim?.cpuSeconds, cpCpuSeconds: cp?.cpuSeconds, simMemory: sim?.memory, cpMemory: cp?.memory };
    },
  };
}
