// Runs inside the suite's network namespace (see suite.ts): starts kubets server and
// `kubets agent` (which starts containerd under a temp dir), waits for the node to be Ready,
// runs the scenarios of MODULE's EXPORT concurrently, prints one result line each, and tears
// everything down (the agent removes every pod, stops containerd, ends shims and unmounts).
// Usage: node --import=tsx netns-runner.ts MODULE EXPORT

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, inspect, promisify } from 'node:util';
import { teardownRuntime } from '../../node/cri/containerd.ts';
import { availableKubectls, KUBETS_BIN, kubectl, minorOf, startKubets, stopChild } from '../harness.ts';
import { pickScenarios, RESULT_PREFIX, type Check, type NodeCtx, type NodeScenario, type PodJson, type ScenarioResult } from './scenario.ts';

const [modulePath, exportName] = process.argv.slice(2);
const NODE = 'kubets-node';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const report = (r: ScenarioResult) => process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`);

const scenarios = pickScenarios((await import(modulePath))[exportName] as NodeScenario[]);
const tools = (await availableKubectls()).sort((a, b) => minorOf(b.name) - minorOf(a.name));
const suiteTool = process.env.KUBETS_NODE_KUBECTL ? tools.find((x) => x.name.includes(process.env.KUBETS_NODE_KUBECTL!)) ?? tools[0] : tools[0];
// Pods reach the apiserver only at an address that is not loopback (suite.ts `apiAddress`).
const apiAddress = process.env.KUBETS_NODE_API_ADDRESS;
if (apiAddress) {
  // On lo (a dummy link needs a kernel module CI may lack): routable from pods all the same,
  // and still `internal`, so the node's own address stays what it was.
  await promisify(execFile)('ip', ['addr', 'add', `${apiAddress}/32`, 'dev', 'lo']);
}
const kubets = await startKubets({ store: 'sqlite', args: apiAddress ? ['--bind-address', apiAddress] : [] });
const agentDir = await mkdtemp(join(tmpdir(), 'kubets-agent-'));
let agentOut = '';
let agentStarts = 0;
// The node joins as a real one does: `kubets agent --server URL --token T` (the token kubets
// server keeps in DATA_DIR/token), a bootstrap-token CSR for system:node:<name>. Every later
// start passes no token: the agent keeps the identity that join gave it.
const joinToken = (await readFile(join(kubets.dataDir, 'token'), 'utf8')).trim();
function startAgent(): ChildProcess {
  const credentials = agentStarts === 0 ? ['--server', kubets.url, '--token', joinToken] : ['--server', kubets.url];
  // A 2 s sync period: configMap and secret volume refreshes show within a scenario's seconds.
  const child = spawn(process.execPath, [KUBETS_BIN, 'agent', ...credentials, '--data-dir', agentDir, '--node-name', NODE, '--sync-frequency', '2s'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBETS_AGENT_TEARDOWN: '1' },
  });
  child.stdout!.on('data', (b: Buffer) => {
    const text = b.toString();
    if (text.includes(`node ${NODE} is running`)) agentStarts++;
    agentOut = (agentOut + text).slice(-50_000);
  });
  child.stderr!.on('data', (b: Buffer) => (agentOut = (agentOut + b.toString()).slice(-50_000)));
  return child;
}
let agent = startAgent();

async function restartAgent(signal: NodeJS.Signals): Promise<void> {
  const before = agentStarts;
  const exited = new Promise((r) => agent.once('exit', r));
  agent.kill(signal);
  await exited;
  agent = startAgent();
  const deadline = Date.now() + 60_000;
  while (agentStarts === before && Date.now() < deadline && agent.exitCode === null) await sleep(100);
  if (agentStarts === before) throw new Error(`the agent did not come back:\n${agentOut.slice(-4000)}`);
}

let stopping: Promise<void> | undefined;
function teardown(): Promise<void> {
  stopping ??= (async () => {
    await stopChild(agent, 90_000);
    // Should the agent not finish its own teardown in time (a loaded machine), nothing may stay behind.
    await teardownRuntime({ dataDir: agentDir }).catch((e) => process.stderr.write(`teardown: ${e}\n`));
    await kubets.stop();
    await rm(agentDir, { recursive: true, force: true }).catch(() => undefined);
  })();
  return stopping;
}
process.once('SIGTERM', () => void teardown().then(() => process.exit(143)));

function check(logs: string[]): Check {
  const fail = (m: string) => {
    throw new Error(m);
  };
  return {
    is: (a, e, m) => (Object.is(a, e) ? undefined : fail(`${m ? `${m}: ` : ''}expected ${inspect(e)}, got ${inspect(a)}`)),
    deepEqual: (a, e, m) => (isDeepStrictEqual(a, e) ? undefined : fail(`${m ? `${m}: ` : ''}expected ${inspect(e, { depth: 5 })}, got ${inspect(a, { depth: 5 })}`)),
    true: (v, m) => (v === true ? undefined : fail(m ?? `expected true, got ${inspect(v)}`)),
    regex: (s, re, m) => (re.test(s) ? undefined : fail(`${m ? `${m}: ` : ''}${inspect(s)} does not match ${re}`)),
    log: (...v) => void logs.push(v.map((x) => (typeof x === 'string' ? x : inspect(x))).join(' ')),
  };
}

async function runScenario(s: NodeScenario): Promise<void> {
  const logs: string[] = [];
  const t0 = Date.now();
  const ns = s.id;
  const tool = s.kubectl ? tools.find((x) => x.name.includes(s.kubectl!)) : suiteTool;
  if (!tool) return void report({ title: s.title, ok: true, logs: [`kubectl ${s.kubectl} is not on this machine: not run`], ms: 0 });
  const run = (args: string[], o?: Parameters<typeof kubectl>[3]) => kubectl(tool.path, kubets.kubeconfig, ['-n', ns, ...args], o);
  const ok = async (args: string[], o?: Parameters<typeof kubectl>[3]) => {
    const r = await run(args, o);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const c: NodeCtx = {
    t: check(logs),
    tool,
    kubeconfig: kubets.kubeconfig,
    ns,
    node: NODE,
    run,
    ok,
    image: 'localhost/kubets/busybox:1',
    agentDir,
    restartAgent,
    async waitFor(what, probe, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const v = await probe();
        if (v !== undefined) return v;
        await sleep(250);
      }
      throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`);
    },
    pod: async (name) => JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as PodJson,
    async events() {
      const list = JSON.parse(await ok(['get', 'events', '-o', 'json'])) as { items: { reason: string; message: string; firstTimestamp?: string; metadata: { creationTimestamp: string } }[] };
      return list.items.sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp)).map((e) => `${e.reason}: ${e.message}`);
    },
  };
  try {
    const made = await kubectl(tool.path, kubets.kubeconfig, ['create', 'namespace', ns]);
    if (made.code !== 0) throw new Error(`create namespace ${ns}: ${made.stderr}`);
    await s.run(c);
    report({ title: s.title, ok: true, logs, ms: Date.now() - t0 });
  } catch (e) {
    const events = await kubectl(tool.path, kubets.kubeconfig, ['-n', ns, 'get', 'events']).catch(() => undefined);
    logs.push(`events in ${ns}:\n${events?.stdout ?? ''}`);
    report({ title: s.title, ok: false, error: e instanceof Error ? e.message : String(e), logs, ms: Date.now() - t0 });
  }
}

try {
  const deadline = Date.now() + 120_000;
  let ready = false;
  while (!ready && Date.now() < deadline && agent.exitCode === null) {
    const r = await kubectl(suiteTool.path, kubets.kubeconfig, ['get', 'node', NODE, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    ready = r.code === 0 && r.stdout === 'True';
    if (!ready) await sleep(300);
  }
  if (!ready) throw new Error(`node ${NODE} not Ready within 120 s; the agent said:\n${agentOut.slice(-6000)}`);
  // A few at once: two cores run the server, containerd and the agent too.
  const queue = scenarios.filter((s) => !s.exclusive);
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let s = queue.shift(); s; s = queue.shift()) await runScenario(s);
  }));
  for (const s of scenarios.filter((x) => x.exclusive)) await runScenario(s);
} catch (e) {
  for (const s of scenarios) report({ title: s.title, ok: false, error: e instanceof Error ? e.message : String(e), logs: [], ms: 0 });
} finally {
  const t0 = Date.now();
  await teardown();
  if (agentOut.includes('level=error') || process.env.KUBETS_NODE_VERBOSE) process.stderr.write(agentOut.slice(-6000));
  process.stderr.write(`netns runner: cluster torn down in ${Date.now() - t0} ms\n`);
  // Nothing of ours is left running; do not wait for stray handles (kubectl pipes, agents' sockets).
  process.exit(0);
}
