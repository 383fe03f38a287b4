// The node suite's frame. A test file calls `runNodeSuite(import.meta.url-of-scenarios, name,
// scenarios)`: ava registers one test per scenario, and before them starts ONE child process
// inside a network namespace of its own (`unshare --net`, loopback up) that runs the whole
// cluster (kubets server, `kubets agent` with its containerd, the CNI bridge and every kubectl
// call) and then the scenarios, concurrently, each in its own namespace. The child reports
// each scenario on a line of its own; each ava test waits for its line. The host's network is
// never touched: pod addresses, the bridge and any iptables rules live and die with the
// namespace.

import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTool } from '../../testing/tools.ts';
import { pickScenarios, RESULT_PREFIX, type NodeScenario, type ScenarioResult } from './scenario.ts';

export type { NodeCtx, NodeScenario } from './scenario.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(dirname(HERE));

/**
 * modulePath: the file that exports the scenarios (absolute path or file: URL); exportName:
 * the export's name. The child imports the same module, so scenarios are plain objects.
 */
export interface NodeSuiteOptions {
  /**
   * Binds kubets server to this address, which the runner adds to the namespace's loopback
   * device, instead of 127.0.0.1: the `kubernetes` Service's endpoint, so pods reach the
   * apiserver through 10.96.0.1 (their own loopback is not the host's). Upstream's answer too:
   * a routable advertise address.
   */
  apiAddress?: string;
}

export function runNodeSuite(modulePath: string, exportName: string, all: NodeScenario[], opts: NodeSuiteOptions = {}): void {
  const scenarios = pickScenarios(all);
  if (!scenarios.length) return void test('no scenario of this file is picked by KUBETS_NODE_SCENARIOS', (t) => t.pass());
  const tool = checkTool('containerd');
  if (tool.skipReason) {
    for (const s of scenarios) test(s.title, (t) => t.pass(tool.skipReason));
    return;
  }
  const results = new Map<string, { resolve(r: ScenarioResult): void; promise: Promise<ScenarioResult> }>();
  for (const s of scenarios) {
    let resolve!: (r: ScenarioResult) => void;
    const promise = new Promise<ScenarioResult>((r) => (resolve = r));
    results.set(s.title, { resolve, promise });
  }
  let child: ChildProcess | undefined;
  let output = '';
  test.before(() => {
    const file = modulePath.startsWith('file:') ? fileURLToPath(modulePath) : modulePath;
    const runner = join(HERE, 'netns-runner.ts');
    child = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, '--import=tsx', runner, file, exportName], {
      cwd: ROOT,
      env: { ...process.env, ...(opts.apiAddress ? { KUBETS_NODE_API_ADDRESS: opts.apiAddress } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith(RESULT_PREFIX)) {
          const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as ScenarioResult;
          results.get(r.title)?.resolve(r);
        } else output = (output + line + '\n').slice(-20_000);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-20_000)));
    child.once('exit', (code, sig) => {
      // Whatever did not report by now never will.
      for (const [title, r] of results) r.resolve({ title, ok: false, error: `the netns runner exited (${code ?? sig}) before this scenario reported:\n${output.slice(-6000)}`, logs: [], ms: 0 });
    });
  });
  test.after.always(async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // Every scenario has reported: the runner is tearing the cluster down; give it time, then insist.
    const exited = new Promise((r) => child!.once('exit', r));
    const term = setTimeout(() => child!.kill('SIGTERM'), 120_000);
    const kill = setTimeout(() => process.kill(-child!.pid!, 'SIGKILL'), 240_000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  });
  for (const s of scenarios) {
    test(s.title, async (t) => {
      t.timeout(s.timeoutMs ?? 240_000);
      const r = await results.get(s.title)!.promise;
      for (const l of r.logs) t.log(l);
      if (!r.ok) t.fail(r.error);
      else t.pass();
    });
  }
}
