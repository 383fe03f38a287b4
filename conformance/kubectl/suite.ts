// The kubectl suite's frame: one kubets per test file, every scenario run once per kubectl
// binary (v1.32 and v1.35), each run in a namespace of its own so scenarios never meet.

import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { availableKubectls, kubectlBinaries, kubectlSkipReason, minorOf, namespacedKubectl, startKubets, type Kubets, type RunOptions, type RunResult, type Tool } from '../harness.ts';
import { startEtcd, type EtcdHarness } from '../../testing/etcd.ts';
import { checkTool } from '../../testing/tools.ts';

export type Store = 'sqlite' | 'etcd';

/** What a scenario gets for one kubectl binary. */
export interface Ctx {
  t: ExecutionContext;
  tool: Required<Pick<Tool, 'name' | 'path'>>;
  kubets: Kubets;
  /** This run's namespace (already created). */
  ns: string;
  /** kubectl -n <ns> <args>. */
  run(args: string[], opts?: RunOptions): Promise<RunResult>;
  /** Like run, but fails the test unless kubectl exits 0; returns stdout. */
  ok(args: string[], opts?: RunOptions): Promise<string>;
  /** 'v1.32' or 'v1.35': kubectl's wording moved between them in places. */
  minor: number;
}

export interface Scenario {
  title: string;
  /** A short, DNS-safe tag for the namespaces: `<id>-<minor>`. */
  id: string;
  run(c: Ctx): Promise<void>;
}

interface Cluster {
  kubets: Kubets;
  tools: { name: string; path: string }[];
  etcd?: EtcdHarness;
}

/**
 * Registers one ava test per scenario against a kubets on `store`, started once for the file.
 * Without etcd on the machine (and not required), the etcd run is one test saying why.
 */
export async function runScenarios(store: Store, scenarios: Scenario[]): Promise<void> {
  // A missing tool is a skip (shown as skipped, never as passed) unless KUBETS_REQUIRE names it.
  const etcdTool = store === 'etcd' ? checkTool('etcd') : undefined;
  if (etcdTool?.skipReason) {
    test.skip(`kubectl scenarios on etcd (skipped: ${etcdTool.skipReason})`, () => {});
    return;
  }
  const noKubectl = kubectlSkipReason(await kubectlBinaries());
  if (noKubectl) {
    test.skip(`kubectl scenarios on ${store} (skipped: ${noKubectl})`, () => {});
    return;
  }
  let cluster: Cluster | undefined;
  test.before(async () => {
    const tools = await availableKubectls();
    let etcd: EtcdHarness | undefined;
    if (store === 'etcd') etcd = await startEtcd({ bin: etcdTool!.path });
    // The apiserver alone, as issue 3's suite tests it: with the control loops running,
    // namespaces fill with kube-root-ca.crt and deployments with pods, which the exact-output
    // checks here do not expect (conformance/workloads covers the loops).
    const kubets = await startKubets({ store, etcdEndpoint: etcd?.endpoint, args: ['--disable', 'controllers,scheduler'] });
    cluster = { kubets, tools, etcd };
  });
  test.after.always(async () => {
    await cluster?.kubets.stop();
    await cluster?.etcd?.stop();
  });

  for (const s of scenarios) {
    test(s.title, async (t) => {
      const c = cluster!;
      for (const tool of c.tools) {
        const minor = minorOf(tool.name);
        const ns = `${s.id}-${minor}`;
        const { run, ok } = await namespacedKubectl(t, tool, c.kubets.kubeconfig, ns);
        await s.run({ t, tool, kubets: c.kubets, ns, run, ok, minor });
      }
    });
  }
}

/** kubectl's stderr without the version-skew warning v1.32 prints against a v1.34 server. */
export function errLines(r: RunResult): string[] {
  return r.stderr.split('\n').filter((l) => l && !l.startsWith('WARNING: version difference'));
}

/** A YAML ConfigMap. */
export function configMapYaml(name: string, data: Record<string, string>, labels: Record<string, string> = {}): string {
  const d = Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  const l = Object.entries(labels).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, ...(l.length ? ['  labels:', ...l] : []), 'data:', ...d, ''].join('\n');
}

/** A Deployment with two containers (for strategic merge by container name). */
export function deploymentYaml(name: string, o: { replicas: number; tier: string; env: string; image?: string }): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {tier: ${o.tier}}
spec:
  replicas: ${o.replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: main
        image: ${o.image ?? 'busybox:1.36'}
        env:
        - {name: MODE, value: "${o.env}"}
      - name: side
        image: busybox:1.36
`;
}

/** Polls until check() is true, or fails after timeoutMs. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Starts a long-running kubectl (get -w), calls `act` once it printed `ready`, and kills it as
 * soon as its output matches `until` (or after timeoutMs). Returns everything it printed.
 */
export async function streamUntil(
  c: Ctx,
  args: string[],
  ready: RegExp,
  act: () => Promise<void>,
  until: RegExp,
  timeoutMs = 20_000,
): Promise<{ stdout: string; stderr: string; matched: boolean }> {
  const child = spawn(c.tool.path, ['--kubeconfig', c.kubets.kubeconfig, '-n', c.ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let acted = false;
  let matched = false;
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await new Promise<void>((resolve) => {
    const check = () => {
      if (!acted && ready.test(stdout)) {
        acted = true;
        void act().catch((e: unknown) => {
          stderr += `act failed: ${String(e)}`;
          child.kill('SIGKILL');
        });
      }
      if (acted && until.test(stdout)) {
        matched = true;
        child.kill('SIGTERM');
        resolve();
      }
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), check()));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    void done.then(() => resolve());
  });
  await done;
  clearTimeout(timer);
  return { stdout, stderr, matched };
}
