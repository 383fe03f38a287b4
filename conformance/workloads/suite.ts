// The workloads suite's frame: one kubets per test file with three simulated nodes
// (`kubets sim`, a child process), every scenario in a namespace of its own so they can run
// concurrently. Scenarios run with kubectl v1.35; those marked `bothVersions` also with v1.32.

import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableKubectls, KUBETS_BIN, kubectl, minorOf, namespacedKubectl, startKubets, stopChild, type Kubets, type RunOptions, type RunResult, type Tool } from '../harness.ts';
import { startEtcd, type EtcdHarness } from '../../testing/etcd.ts';
import { checkTool } from '../../testing/tools.ts';

export { errLines } from '../kubectl/suite.ts';

export type Store = 'sqlite' | 'etcd';

/** Simulated nodes running in a child process. */
export interface Sim {
  names: string[];
  output(): string;
  stop(): Promise<void>;
}

/** What a scenario gets for one kubectl binary. */
export interface Ctx {
  t: ExecutionContext;
  tool: { name: string; path: string };
  kubets: Kubets;
  /** This run's namespace (already created). */
  ns: string;
  /** kubectl -n <ns> <args>. */
  run(args: string[], opts?: RunOptions): Promise<RunResult>;
  /** Like run, but fails the test unless kubectl exits 0; returns stdout. */
  ok(args: string[], opts?: RunOptions): Promise<string>;
  /** Polls `probe` until it returns a value, or fails the test after timeoutMs saying `what`. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** The file's extra simulated nodes (RunOptions.extra), if any. */
  extra?: Sim;
  minor: number;
}

export interface Scenario {
  title: string;
  /** A short, DNS-safe tag for the namespaces: `<id>-<minor>`. */
  id: string;
  /** Run with kubectl v1.32 too (after v1.35, in its own namespace). */
  bothVersions?: boolean;
  /** Per-test timeout when longer than ava's default. */
  timeoutMs?: number;
  run(c: Ctx): Promise<void>;
}

interface Cluster {
  kubets: Kubets;
  tools: { name: string; path: string }[];
  sims: Sim[];
  extra?: Sim;
  etcd?: EtcdHarness;
}

export interface WorkloadOptions {
  /**
   * One more `kubets sim` process, started with the cluster and tainted NoSchedule with
   * `taint` (key=value) before any scenario runs, so only pods that tolerate it land there.
   */
  extra?: { namePrefix: string; nodes: number; taint: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Names of the nodes whose Ready condition is True. */
export async function readyNodes(kubectlPath: string, kubeconfig: string): Promise<string[]> {
  const jp = '{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}';
  const r = await kubectl(kubectlPath, kubeconfig, ['get', 'nodes', '-o', `jsonpath=${jp}`]);
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .filter((l) => l.endsWith('=True'))
    .map((l) => l.slice(0, -'=True'.length));
}

/** Runs `kubets sim` and waits (up to 90 s: the machine may be busy) until its nodes are Ready. */
export async function startSim(kubets: Kubets, kubectlPath: string, namePrefix: string, nodes: number, startIndex = 0): Promise<Sim> {
  // startIndex keeps a second sim's pod IP ranges apart from the first's.
  const args = [KUBETS_BIN, 'sim', '--kubeconfig', kubets.kubeconfig, '--nodes', String(nodes), '--name-prefix', namePrefix, '--start-index', String(startIndex)];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const append = (b: Buffer) => (out = (out + b.toString('utf8')).slice(-200_000));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const names = Array.from({ length: nodes }, (_, i) => `${namePrefix}${startIndex + i}`);
  const sim: Sim = { names, output: () => out, stop: () => stopChild(child) };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const ready = await readyNodes(kubectlPath, kubets.kubeconfig);
    if (names.every((n) => ready.includes(n))) return sim;
    await sleep(250);
  }
  await sim.stop();
  throw new Error(`kubets sim (${names.join(', ')}) not Ready within 90 s (exit ${child.exitCode ?? child.signalCode ?? 'none'}):\n${out}`);
}

/**
 * Registers one ava test per scenario against a kubets on `store` with 3 simulated nodes,
 * started once for the file. Without etcd on the machine (and not required), the etcd run is
 * one test saying why.
 */
export function runWorkloads(store: Store, scenarios: Scenario[], opts: WorkloadOptions = {}): void {
  const etcdTool = store === 'etcd' ? checkTool('etcd') : undefined;
  if (etcdTool?.skipReason) {
    test.skip(`workload scenarios on etcd (skipped: ${etcdTool.skipReason})`, () => {});
    return;
  }
  let cluster: Cluster | undefined;
  test.before(async () => {
    const tools = await availableKubectls();
    tools.sort((a, b) => minorOf(b.name) - minorOf(a.name)); // newest first
    let etcd: EtcdHarness | undefined;
    if (store === 'etcd') etcd = await startEtcd({ bin: etcdTool!.path });
    const kubets = await startKubets({ store, etcdEndpoint: etcd?.endpoint });
    cluster = { kubets, tools, sims: [], etcd };
    // Both sims start together; no scenario runs before the extra nodes carry their taint.
    const [main, extra] = await Promise.all([
      startSim(kubets, tools[0].path, 'sim-node-', 3),
      opts.extra ? startSim(kubets, tools[0].path, opts.extra.namePrefix, opts.extra.nodes, 3) : undefined,
    ]);
    cluster.sims.push(main);
    if (extra && opts.extra) {
      cluster.sims.push(extra);
      cluster.extra = extra;
      for (const n of extra.names) {
        const r = await kubectl(tools[0].path, kubets.kubeconfig, ['taint', 'node', n, `${opts.extra.taint}:NoSchedule`]);
        if (r.code !== 0) throw new Error(`kubectl taint node ${n}: ${r.stderr}`);
      }
    }
  });
  test.after.always(async (t) => {
    // The sims are quiet unless something went wrong: show what they said.
    for (const s of cluster?.sims ?? []) if (s.output().trim()) t.log(`${s.names.join(', ')}:\n${s.output().slice(-4000)}`);
    for (const s of cluster?.sims ?? []) await s.stop();
    await cluster?.kubets.stop();
    await cluster?.etcd?.stop();
  });

  for (const s of scenarios) {
    test(s.title, async (t) => {
      if (s.timeoutMs) t.timeout(s.timeoutMs);
      const c = cluster!;
      const tools = s.bothVersions ? c.tools : c.tools.slice(0, 1);
      for (const tool of tools) {
        const minor = minorOf(tool.name);
        const ns = `${s.id}-${minor}`;
        const { run, ok } = await namespacedKubectl(t, tool, c.kubets.kubeconfig, ns);
        const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
          const deadline = Date.now() + timeoutMs;
          while (Date.now() < deadline) {
            const v = await probe();
            if (v !== undefined) return v;
            await sleep(250);
          }
          throw new Error(`${tool.name} in ${ns}: ${what} — not seen within ${timeoutMs / 1000} s`);
        };
        await s.run({ t, tool, kubets: c.kubets, ns, run, ok, waitFor, extra: c.extra, minor });
      }
    });
  }
}

/** One pod as the scenarios see it. */
export interface PodRow {
  name: string;
  phase: string;
  node: string;
  ip: string;
  terminating: boolean;
  owner: string;
}

/** The pods of the namespace (optionally by label selector), from one `kubectl get -o json`. */
export async function pods(c: Ctx, selector?: string): Promise<PodRow[]> {
  const out = await c.ok(['get', 'pods', '-o', 'json', ...(selector ? ['-l', selector] : [])]);
  const list = JSON.parse(out) as { items: PodJson[] };
  return list.items.map((p) => ({
    name: p.metadata.name,
    phase: p.status?.phase ?? '',
    node: p.spec?.nodeName ?? '',
    ip: p.status?.podIP ?? '',
    terminating: !!p.metadata.deletionTimestamp,
    owner: p.metadata.ownerReferences?.find((o) => o.controller)?.name ?? '',
  }));
}

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string; ownerReferences?: { name: string; controller?: boolean }[] };
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string };
}

/** Pods that are Running, not being deleted, with a node and an IP. */
export const running = (rows: PodRow[]) => rows.filter((p) => p.phase === 'Running' && !p.terminating && p.node && p.ip);
