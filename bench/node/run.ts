// The node bench inside its network namespace (see ../node.ts). Usage: run.ts PODS

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../../client/kubeconfig.ts';
import { createClient } from '../../client/rest.ts';
import type { KubeObject } from '../../api/types.ts';
import { KUBETS_BIN, startKubets, stopChild } from '../../conformance/harness.ts';
import { createCriClient } from '../../node/cri/client.ts';
import { BUSYBOX_IMAGE } from '../../node/cri/containerd-config.ts';
import { startContainerd, teardownRuntime } from '../../node/cri/containerd.ts';
import { ensurePauseImage } from '../../node/agent.ts';
import { fmt, percentile, printTable } from '../stats.ts';
import { groupCpuSeconds, processCpuSeconds } from './proc-cpu.ts';

const N = Number(process.argv[2] ?? 30);
const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { info() {}, debug() {}, warn() {}, error: (m: string, f?: object) => console.error(m, f) };

function pcts(ms: number[]): { p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? 0 };
}

/** The bare runtime: N sandboxes + containers at once, straight over CRI; and the CPU seconds containerd, its shims, runc and the CNI plugins used meanwhile. */
async function bareCri(): Promise<{ lat: number[]; runtimeCpu: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-bench-cri-'));
  // The same pod CIDR as the agent's: both use the kubets0 bridge, which keeps its address.
  const daemon = await startContainerd({ dataDir: dir });
  const cri = createCriClient(daemon.endpoint);
  try {
    await ensurePauseImage(cri, dir, quiet);
    const cpu0 = groupCpuSeconds(dir);
    const lat = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const t0 = performance.now();
        const sb = { metadata: { name: `p${i}`, uid: `bench-${i}`, namespace: 'bench', attempt: 0 }, hostname: `p${i}`, logDirectory: join(dir, 'logs', String(i)) };
        const id = await cri.runtime.runPodSandbox(sb);
        const cid = await cri.runtime.createContainer(id, { metadata: { name: 'c', attempt: 0 }, image: { image: BUSYBOX_IMAGE }, logPath: 'c/0.log' }, sb);
        await cri.runtime.startContainer(cid);
        return performance.now() - t0;
      }),
    );
    return { lat, runtimeCpu: groupCpuSeconds(dir) - cpu0 };
  } finally {
    cri.close();
    await teardownRuntime({ dataDir: dir, daemon });
    await rm(dir, { recursive: true, force: true });
  }
}

function procStat(pid: number): Promise<{ cpuTicks: number; rssKb: number }> {
  return Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]).then(([stat, status]) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { cpuTicks: Number(f[11]) + Number(f[12]), rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) };
  });
}

/** The same Node binary doing nothing: the floor under any agent's RSS. */
async function bareNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(1500);
    return (await procStat(child.pid!)).rssKb / 1024;
  } finally {
    child.kill();
  }
}

interface KubetsFigures {
  lat: number[];
  /** create -> spec.nodeName set, as the same watch sees it. */
  bound: number[];
  /** CPU seconds used from the first create to the last pod Running. */
  cpu: { runtime: number; agent: number; server: number };
  cpuPct: number;
  rssMb: number;
  anonMb: number;
}

async function kubetsNode(): Promise<KubetsFigures> {
  const kubets = await startKubets({ store: 'sqlite' });
  const dir = await mkdtemp(join(tmpdir(), 'kubets-bench-agent-'));
  const nodeArgs = process.env.BENCH_AGENT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const agent = spawn(process.execPath, [...nodeArgs, KUBETS_BIN, 'agent', '--kubeconfig', kubets.kubeconfig, '--data-dir', dir, '--node-name', 'bench-node'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, KUBETS_AGENT_TEARDOWN: '1' } });
  const client = createClient(loadKubeconfig(kubets.kubeconfig));
  try {
    const nodes = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
    for (let i = 0; i < 600; i++) {
      const n = await client.get(nodes, '', 'bench-node').catch(() => undefined);
      if ((n?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      await sleep(200);
    }
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    const bound = new Map<string, number>();
    // A watch from before the first create: when each pod is first seen Running. (A list every
    // 100 ms did this before: up to 100 ms late, and 10 lists a second of load on the server.)
    const phases = new Map<string, string>();
    const start = await client.list<KubeObject>(PODS, 'default');
    const watch = client.watch<KubeObject>(PODS, 'default', { resourceVersion: start.metadata?.resourceVersion }, (e) => {
      const now = performance.now();
      const name = e.object.metadata?.name ?? '';
      const phase = (e.object.status as { phase?: string } | undefined)?.phase ?? '';
      phases.set(name, phase);
      if ((e.object.spec as { nodeName?: string } | undefined)?.nodeName && !bound.has(name)) bound.set(name, now);
      if (phase === 'Running' && !running.has(name)) running.set(name, now);
    });
    watch.done.catch(() => undefined);
    const cpuNow = () => ({ runtime: groupCpuSeconds(dir, [agent.pid!]), agent: processCpuSeconds(agent.pid!), server: groupCpuSeconds(kubets.dataDir, [agent.pid!]) });
    const cpu0 = cpuNow();
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        created.set(`p${i}`, performance.now());
        await client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX_IMAGE }] } });
      }),
    );
    for (let i = 0; i < 1200 && running.size < N; i++) await sleep(100);
    const cpu1 = cpuNow();
    watch.stop();
    if (running.size < N) throw new Error(`only ${running.size} of ${N} pods Running after 2 min: ${JSON.stringify(Object.fromEntries(phases))}`);
    const lat = [...running].map(([name, t]) => t - created.get(name)!);
    const boundLat = [...bound].map(([name, t]) => t - created.get(name)!);
    const cpu = { runtime: cpu1.runtime - cpu0.runtime, agent: cpu1.agent - cpu0.agent, server: cpu1.server - cpu0.server };
    // Idle: all pods running, nothing changing.
    await sleep(5000);
    const a = await procStat(agent.pid!);
    const t0 = performance.now();
    await sleep(30_000);
    const b = await procStat(agent.pid!);
    const anonKb = Number(/RssAnon:\s+(\d+)/.exec(await readFile(`/proc/${agent.pid}/status`, 'utf8'))?.[1] ?? 0);
    const secs = (performance.now() - t0) / 1000;
    const cpuPct = ((b.cpuTicks - a.cpuTicks) / 100 / secs) * 100;
    return { lat, bound: boundLat, cpu, cpuPct, rssMb: b.rssKb / 1024, anonMb: anonKb / 1024 };
  } finally {
    client.close();
    await stopChild(agent, 120_000);
    await kubets.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// The bare loop before and after kubets: the machine is shared, and two references around the
// kubets run show how much the load moved meanwhile.
const bareBefore = await bareCri();
const kube = await kubetsNode();
const bareAfter = await bareCri();
const bareRss = await bareNodeRssMb();
const b1 = pcts(bareBefore.lat);
const b2 = pcts(bareAfter.lat);
const b = { p50: (b1.p50 + b2.p50) / 2, p99: (b1.p99 + b2.p99) / 2 };
const k = pcts(kube.lat);
const kb = pcts(kube.bound);
printTable(`node: ${N} pods created at once on one node (containerd ${'1.6'}, busybox image present), ms from create to Running`, ['path', 'p50', 'p99', 'max', 'CPU s used meanwhile'], [
  ['bare CRI before: RunPodSandbox + CreateContainer + StartContainer', fmt(b1.p50), fmt(b1.p99), fmt(b1.max), `${fmt(bareBefore.runtimeCpu, 1)} (runtime)`],
  ['bare CRI after (the same, once kubets is done)', fmt(b2.p50), fmt(b2.p99), fmt(b2.max), `${fmt(bareAfter.runtimeCpu, 1)} (runtime)`],
  ['kubets: POST pod -> scheduler -> agent -> phase Running', fmt(k.p50), fmt(k.p99), fmt(k.max), `${fmt(kube.cpu.runtime, 1)} runtime, ${fmt(kube.cpu.agent, 1)} agent, ${fmt(kube.cpu.server, 1)} server`],
  ['  of which POST -> bound (apiserver + scheduler)', fmt(kb.p50), fmt(kb.p99), fmt(kb.max), ''],
  ['ratio kubets / mean of the bare runs', fmt(k.p50 / b.p50, 2), fmt(k.p99 / b.p99, 2), '', ''],
]);
const from = process.env.KUBETS_FROM_SOURCE ? 'from source (tsx)' : 'from the bundle (dist/)';
printTable(`node: the agent (${from}) with ${N} pods running, idle (30 s)`, ['process', 'CPU (% of one core)', 'RSS (MB)', 'of which anonymous (MB)'], [
  ['kubets agent', fmt(kube.cpuPct, 2), fmt(kube.rssMb, 1), fmt(kube.anonMb, 1)],
  ['aim (issue 10)', '< 2', '< 100', ''],
  ['bare node -e setInterval (reference: the runtime alone)', '', fmt(bareRss, 1), ''],
]);
