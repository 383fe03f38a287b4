// The default layout of `kubets server`: controller-manager and scheduler in a process of
// their own that schedules pods, stops with the server, and never outlives it (even killed).

import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './cli.ts';
import { silentLogger } from './log.ts';
import { createLoopbackClient } from '../client/rest.ts';
import { createInformerFactory } from '../client/informer.ts';
import { systemClock } from '../client/clock.ts';
import { startSimulatedNodes } from '../node/sim/index.ts';
import { waitForReady } from '../conformance/harness.ts';
import type { ResourceRef } from '../client/types.ts';
import type { Pod } from '../api/core/pod/types.ts';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const SHIM = fileURLToPath(new URL('../bin/kubets.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
const parentOf = (pid: number) => Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const childrenOf = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );

async function until<T>(what: string, ms: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve().then(check).catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test.serial('by default the control plane runs in its own process, schedules a pod, and stops with the server', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-layout-'));
  const server = await startServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', disable: ['cloud-controller-manager'], verbosity: 0, tlsSans: [] }, { log: silentLogger, joinToken: false });
  const client = createLoopbackClient(server.url, { ca: server.pki.caCert, cert: server.pki.adminCert, key: server.pki.adminKey });
  const informers = createInformerFactory(client);
  const sim = startSimulatedNodes({ client, informers, count: 1, log: silentLogger, clock: systemClock });
  informers.start();
  let pid: number | undefined;
  try {
    pid = server.controlPlanePid();
    t.truthy(pid);
    t.not(pid, process.pid);
    t.is(parentOf(pid!), process.pid);
    t.regex(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /control-plane/);
    await sim.ready;
    await until('the default ServiceAccount (the controllers)', 60_000, () => client.get({ ...PODS, plural: 'serviceaccounts', kind: 'ServiceAccount' }, 'default', 'default'));
    await client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const node = await until('the pod bound by the scheduler', 60_000, async () => ((await client.get(PODS, 'default', 'p')) as Pod).spec?.nodeName);
    t.is(node, 'sim-node-0');
  } finally {
    sim.stop();
    informers.stop();
    client.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  // close() resolves once the child has exited.
  t.false(alive(pid!));
});

test.serial('a killed server takes its control plane process with it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-layout-'));
  const server = spawn(process.execPath, [SHIM, 'server', '--data-dir', dir, '--port', '0', '--disable', 'cloud-controller-manager'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout.on('data', (b: Buffer) => (out += b.toString()));
  server.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise((r) => server.once('exit', r));
  let cp: number | undefined;
  try {
    await waitForReady(dir, { timeoutMs: 60_000, exited, output: () => out, started: () => out.includes('kubets is running at') });
    // "running" is said once the control plane's process has started its loops.
    cp = childrenOf(server.pid!).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('control-plane'));
    t.truthy(cp, `no control-plane child of ${server.pid}:\n${out}`);
    server.kill('SIGKILL');
    await exited;
    await until('the control plane process to exit', 10_000, () => !alive(cp!));
    t.pass();
  } finally {
    server.kill('SIGKILL');
    if (cp && alive(cp)) process.kill(cp, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
