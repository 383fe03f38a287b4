// bench/embed: kubets as a library (startKubets from the built package, dist/index.mjs, as a
// user imports it) beside the same server started as the CLI in a child process, in one run.
//   start: startKubets() until a first list of namespaces answers 200; stop: stop() resolved.
//   p50/p90 over `starts` starts in this process, one after another; the first (cold: modules
//   loaded) is reported on its own; beside wall time, the CPU time the process spent (on a
//   shared, loaded machine wall time measures the neighbours too). RSS per instance: the growth
//   with `resident` instances up, measured before the timed starts.
//   CLI: `kubets server --data-dir NEW --port P` spawned until /readyz answers 200, a fresh
//   data dir each time (PKI files made), `cliStarts` times.

import { spawn, execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../testing/tools.ts';
import { fmt, percentile, printTable } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Library {
  startKubets(o?: Record<string, unknown>): Promise<{ url: string; ca: string; kubeConfigOptions: { users: { certData?: string; keyData?: string }[] }; stop(): Promise<void> }>;
}

function get(url: string, tls: { ca: string; cert?: Buffer; key?: Buffer }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function firstList(k: Awaited<ReturnType<Library['startKubets']>>): Promise<void> {
  const u = k.kubeConfigOptions.users[0]!;
  const code = await get(`${k.url}/api/v1/namespaces`, { ca: k.ca, cert: Buffer.from(u.certData!, 'base64'), key: Buffer.from(u.keyData!, 'base64') });
  if (code !== 200) throw new Error(`list namespaces: ${code}`);
}

const rssMiB = () => process.memoryUsage().rss / 1024 / 1024;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** CPU time this process spent between two readings (user + system), ms: what the machine's load does not inflate. */
const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;

async function embedded(lib: Library, label: string, opts: Record<string, unknown>, starts: number): Promise<string[]> {
  const start: number[] = [];
  const stop: number[] = [];
  const startCpu: number[] = [];
  const stopCpu: number[] = [];
  let cold = 0;
  for (let i = 0; i <= starts; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const k = await lib.startKubets(opts);
    await firstList(k);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    await k.stop();
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    if (i === 0) cold = t1 - t0;
    else {
      start.push(t1 - t0);
      stop.push(t2 - t1);
      startCpu.push(cpuMs(c0, c1));
      stopCpu.push(cpuMs(c1, c2));
    }
  }
  const p50 = (xs: number[]) => fmt(percentile(sorted(xs), 50));
  const p90 = (xs: number[]) => fmt(percentile(sorted(xs), 90));
  return [label, fmt(cold), p50(start), p90(start), p50(startCpu), p50(stop), p90(stop), p50(stopCpu)];
}

async function rssPerInstance(lib: Library, resident: number): Promise<number> {
  // One start and stop first, so that the modules' code is not counted as the instances' memory.
  await (await lib.startKubets()).stop();
  gc();
  const before = rssMiB();
  const ks = [];
  for (let i = 0; i < resident; i++) {
    const k = await lib.startKubets();
    await firstList(k);
    ks.push(k);
  }
  gc();
  const after = rssMiB();
  await Promise.all(ks.map((k) => k.stop()));
  return (after - before) / resident;
}

async function cliStart(): Promise<{ ms: number; rssMiB: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-bench-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'kubets.js'), 'server', '--data-dir', dir, '--port', String(port)], { stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const ca = await readFile(join(dir, 'pki', 'ca.crt'), 'utf8');
        if ((await get(`https://127.0.0.1:${port}/readyz`, { ca })) === 200) break;
      } catch {
        // not up yet
      }
      if (child.exitCode !== null) throw new Error(`kubets server exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - t0;
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { ms, rssMiB: kb / 1024 };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  }
}

export interface EmbedBenchOptions {
  starts?: number;
  resident?: number;
  cliStarts?: number;
}

export async function benchEmbed(o: EmbedBenchOptions = {}): Promise<void> {
  const starts = o.starts ?? 20;
  const resident = o.resident ?? 10;
  const cliStarts = o.cliStarts ?? 5;
  // What a user imports: the bundle the package ships, built from these sources now.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'ignore' });
  const t0 = performance.now();
  const lib = (await import(join(ROOT, 'dist', 'index.mjs'))) as Library;
  const importMs = performance.now() - t0;

  // Memory first, while the heap has not yet grown for sixty starts and stops.
  const perInstance = await rssPerInstance(lib, resident);
  const rows = [
    await embedded(lib, 'startKubets() (controllers, scheduler)', {}, starts),
    await embedded(lib, 'startKubets({ controllers: false, scheduler: false })', { controllers: false, scheduler: false }, starts),
    await embedded(lib, 'startKubets({ nodes: 3 })', { nodes: 3 }, starts),
  ];
  const cli: { ms: number; rssMiB: number }[] = [];
  for (let i = 0; i < cliStarts; i++) cli.push(await cliStart());
  const cliMs = sorted(cli.map((c) => c.ms));
  const cliRss = sorted(cli.map((c) => c.rssMiB));

  printTable(
    `kubets embedded: ${starts} starts each in one process (ms; cold = the first, modules loading; import of dist/index.mjs took ${fmt(importMs)} ms; ` +
      `CPU = this process's user+system time, which the machine's load does not inflate; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
    ['how', 'cold start', 'start p50', 'start p90', 'start CPU p50', 'stop p50', 'stop p90', 'stop CPU p50'],
    rows,
  );
  printTable('memory and the CLI reference (same run)', ['what', 'figure'], [
    [`RSS per embedded instance (${resident} running at once)`, `${fmt(perInstance, 1)} MiB`],
    [`kubets server as a child process, spawn to /readyz 200, p50 of ${cliStarts}`, `${fmt(percentile(cliMs, 50))} ms`],
    ['kubets server child RSS when ready, p50', `${fmt(percentile(cliRss, 50), 1)} MiB`],
  ]);
}
