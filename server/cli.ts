// The `kubets` command: parse, then run. bin/kubets.js loads this through tsx.

import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCli, USAGE, type AgentFlags, type LoopCommand, type LoopFlags, type ServerFlags } from './cli-args.ts';
import { createLogger, type Logger } from './log.ts';
import { tuneHeapGrowth } from './heap-growth.ts';
import { ensurePki, type Pki } from './pki/index.ts';
import { writeKubeconfig } from './pki/kubeconfig.ts';

export interface ApiServerOptions {
  dataDir: string;
  port: number;
  bindAddress: string;
  etcdServers?: string[];
  sqlitePath?: string;
  pki: Pki;
  log: Logger;
  disable?: string[];
  tokenAuthFile?: string;
  encryptionProviderConfig?: string;
  audit?: {
    policyFile: string;
    log?: { path: string; maxSizeMB?: number; maxBackup?: number; maxAgeDays?: number };
    webhook?: { configFile: string; batchMaxSize?: number; batchMaxWaitMs?: number; initialBackoffMs?: number };
  };
  eventTtlMs?: number;
}

export interface RunningApiServer {
  url: string;
  close(): Promise<void>;
}

export type StartApiServer = (opts: ApiServerOptions) => Promise<RunningApiServer>;

export interface CliDeps {
  /** How to get startApiServer; by default server/apiserver/app.ts, loaded on demand. */
  loadApiServer?: () => Promise<StartApiServer>;
  /** Where the messages for a person go; stdout by default. */
  print?: (text: string) => void;
  log?: Logger;
  /** Resolves when the server should stop; SIGINT or SIGTERM by default. */
  stopSignal?: Promise<string>;
  /** A PKI made elsewhere (the library's, in memory) instead of DATA_DIR/pki. */
  pki?: Pki;
  /** The SQLite file instead of DATA_DIR/kubets.db; ':memory:' for a store that ends with the process. */
  sqlitePath?: string;
  /** kube-controller-manager's --controllers (default all). */
  controllers?: string[];
  /** false: no node-join token (a test cluster that no `kubets agent` joins); made by default. */
  joinToken?: boolean;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function loadDefaultApiServer(): Promise<StartApiServer> {
  // Loaded when a server starts, not for `kubets version`; a plain specifier so that the
  // bundler (scripts/build.mjs) takes the app into dist/kubets.mjs.
  const mod = await import('./apiserver/app.ts');
  return mod.startApiServer as unknown as StartApiServer;
}

export interface RunningServer {
  url: string;
  kubeconfigPath: string;
  /** The node-join token (`kubets agent --token`); absent when the apiserver was swapped out. */
  joinToken?: string;
  pki: Pki;
  /** The pid of the controller-manager and scheduler's own process (none: disabled, or in this one). */
  controlPlanePid(): number | undefined;
  close(): Promise<void>;
}

/** Ensures the PKI, starts the apiserver and writes the kubeconfig. */
export async function startServer(flags: ServerFlags, deps: CliDeps = {}): Promise<RunningServer> {
  const log = deps.log ?? createLogger({ verbosity: flags.verbosity });
  const dataDir = resolve(flags.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const t0 = performance.now();
  const pki =
    deps.pki ??
    (await ensurePki(dataDir, {
      extraSans: flags.tlsSans,
      bindAddress: flags.bindAddress,
      onEvent: (event, what) => log.debug(`pki ${event}`, { file: what }),
    }));
  log.info('pki ready', { dir: pki.dir, ms: Math.round(performance.now() - t0) });
  const startApiServer = await (deps.loadApiServer ?? loadDefaultApiServer)();
  const api = await startApiServer({
    dataDir,
    port: flags.port,
    bindAddress: flags.bindAddress,
    etcdServers: flags.etcdServers,
    sqlitePath: deps.sqlitePath,
    pki,
    log: log.child({ component: 'apiserver' }),
    disable: flags.disable,
    tokenAuthFile: flags.tokenAuthFile === undefined ? undefined : resolve(flags.tokenAuthFile),
    eventTtlMs: flags.eventTtlMs,
    encryptionProviderConfig: flags.encryptionProviderConfig === undefined ? undefined : resolve(flags.encryptionProviderConfig),
    // As upstream: a policy and a backend (a log path, a webhook, or both), or no auditing.
    audit:
      flags.auditPolicyFile && (flags.auditLogPath || flags.auditWebhookConfigFile)
        ? {
            policyFile: resolve(flags.auditPolicyFile),
            log: flags.auditLogPath
              ? { path: flags.auditLogPath === '-' ? '-' : resolve(flags.auditLogPath), maxSizeMB: flags.auditLogMaxSize, maxBackup: flags.auditLogMaxBackup, maxAgeDays: flags.auditLogMaxAge }
              : undefined,
            webhook: flags.auditWebhookConfigFile
              ? { configFile: resolve(flags.auditWebhookConfigFile), batchMaxSize: flags.auditWebhookBatchMaxSize, batchMaxWaitMs: flags.auditWebhookBatchMaxWaitMs, initialBackoffMs: flags.auditWebhookInitialBackoffMs }
              : undefined,
          }
        : undefined,
  });
  let kubeconfigPath: string;
  try {
    kubeconfigPath = await writeKubeconfig(dataDir, pki, { server: api.url });
  } catch (e) {
    await api.close();
    throw e;
  }
  log.info('apiserver listening', { url: api.url, kubeconfig: kubeconfigPath });
  // Controllers and scheduler run unless disabled, in a process of their own (or in this one,
  // --control-plane in-process), through the same HTTPS API any other apiserver client uses.
  const components = (['controllers', 'scheduler', 'cloud-controller-manager'] as const).filter((c) => !flags.disable.includes(c));
  let joinToken: string | undefined;
  if (!deps.loadApiServer && deps.joinToken !== false) {
    const { createLoopbackClient } = await import('../client/rest.ts');
    const { ensureJoinToken } = await import('./join-token.ts');
    const client = createLoopbackClient(api.url, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey });
    try {
      joinToken = await ensureJoinToken(client, dataDir, api.url, pki.caCert);
    } catch (e) {
      log.warn('no node-join token', { err: e instanceof Error ? e.message : String(e) });
    } finally {
      client.close();
    }
  }
  // A store in memory ends with this process: no other controller-manager can take over its
  // Leases, and on close nothing the loops still have in flight is worth waiting for.
  const ephemeral = deps.sqlitePath === ':memory:' && !flags.etcdServers?.length;
  let stopLoops = async () => {};
  let controlPlanePid = (): number | undefined => undefined;
  if (components.length && !deps.loadApiServer) {
    const { controlPlaneConfig, forkControlPlane, runControlPlane } = await import('./control-plane-process.ts');
    const config = controlPlaneConfig(pki, api.url, {
      components: [...components],
      controllers: deps.controllers,
      releaseLeases: !ephemeral,
      loadBalancerPool: flags.loadBalancerPool,
      identity: `${hostname()}_${new URL(api.url).port}`,
      leaderElection: flags.leaderElection,
      verbosity: flags.verbosity,
    });
    if ((flags.controlPlane ?? 'separate') === 'separate') {
      // Its own process, as upstream's separate binaries: the apiserver keeps this thread.
      let child;
      try {
        child = await forkControlPlane(config, { log });
      } catch (e) {
        await api.close();
        throw e;
      }
      log.info('control plane started', { pid: child.pid(), components: components.join(',') });
      stopLoops = async () => void (await child.stop());
      controlPlanePid = () => child.pid();
    } else {
      const cp = runControlPlane(config, log);
      stopLoops = () => cp.stop();
    }
  }
  return {
    url: api.url,
    kubeconfigPath,
    joinToken,
    pki,
    controlPlanePid: () => controlPlanePid(),
    close: async () => {
      if (ephemeral) {
        // The loops stop and the apiserver closes at once: their in-flight requests fail now.
        await Promise.all([stopLoops(), api.close()]);
        return;
      }
      await stopLoops();
      await api.close();
    },
  };
}

function signalPromise(): Promise<string> {
  return new Promise((resolveSignal) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second signal while closing means "now".
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolveSignal(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

const LONG_RUNNING = new Set(['server', 'all', 'control-plane', 'controller-manager', 'scheduler', 'sim']);

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[], deps: CliDeps = {}): Promise<number> {
  const print = deps.print ?? ((text: string) => process.stdout.write(text));
  const cmd = parseCli(argv);
  // The long-running processes: their full GCs come before garbage piles up to 4x the live heap.
  if (LONG_RUNNING.has(cmd.kind)) tuneHeapGrowth();
  switch (cmd.kind) {
    case 'help':
      print(USAGE);
      return 0;
    case 'version':
      print(`kubets v${version()}\n`);
      return 0;
    case 'error':
      process.stderr.write(`kubets: ${cmd.message}\nRun 'kubets --help' for usage.\n`);
      return 2;
    case 'control-plane': {
      const { serveControlPlaneChild } = await import('./control-plane-process.ts');
      if (!serveControlPlaneChild()) {
        process.stderr.write('kubets control-plane: only `kubets server` starts it (its configuration comes over IPC); run `kubets controller-manager` or `kubets scheduler` alone instead\n');
        return 2;
      }
      // Runs until the server stops it or goes away (it exits then); the IPC channel keeps it alive.
      return new Promise<number>(() => {});
    }
    case 'controller-manager':
    case 'scheduler':
    case 'sim':
      return runLoop(cmd.kind, cmd.flags, deps);
    case 'agent':
      return runAgentCommand(cmd.flags, deps);
    case 'image': {
      const { runImage } = await import('../node/cli.ts');
      try {
        print(await runImage(cmd.flags));
        return 0;
      } catch (e) {
        process.stderr.write(`kubets image: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
      }
    }
    case 'server':
    case 'all': {
      const log = deps.log ?? createLogger({ verbosity: cmd.flags.verbosity });
      const stop = deps.stopSignal ?? signalPromise();
      let running: RunningServer;
      try {
        running = await startServer(cmd.flags, { ...deps, log });
      } catch (e) {
        log.error('failed to start', { err: e instanceof Error ? e.message : String(e) });
        return 1;
      }
      print(
        `kubets is running at ${running.url}\n` +
          `kubeconfig: ${running.kubeconfigPath}\n` +
          `  export KUBECONFIG=${running.kubeconfigPath}\n` +
          (running.joinToken ? `join a node: kubets agent --server ${running.url} --token ${running.joinToken}\n` : ''),
      );
      let stopNode = async () => {};
      if (cmd.kind === 'all') {
        const node = await startLocalNode(running.kubeconfigPath, resolve(cmd.flags.dataDir), log);
        print(node.message);
        stopNode = node.stop;
      }
      const sig = await stop;
      log.info('stopping', { signal: sig });
      try {
        await stopNode();
        await running.close();
      } catch (e) {
        log.error('error while stopping', { err: e instanceof Error ? e.message : String(e) });
        return 1;
      }
      return 0;
    }
  }
}

/**
 * `kubets all`'s node: a real agent when containers can run here (root, containerd, runc, the
 * CNI plugins), else one simulated node; the message says which and why.
 */
async function startLocalNode(kubeconfig: string, dataDir: string, log: Logger): Promise<{ message: string; stop(): Promise<void> }> {
  const { containersUnavailable } = await import('../node/agent.ts');
  const why = containersUnavailable();
  if (!why) {
    const { runAgent } = await import('../node/agent.ts');
    const { agentSeams } = await import('../node/kubelet/server/agent-seams.ts');
    try {
      const agent = await runAgent({ kubeconfig, dataDir: join(dataDir, 'agent'), log: log.child({ component: 'agent' }), ...agentSeams() });
      return {
        message: `node ${agent.nodeName}: a real node, running pods in containerd (${agent.endpoint}); images: localhost/kubets/busybox:1, or kubets image import FILE\n`,
        // One machine, one command: stopping it leaves no pod, shim or mount behind.
        stop: () => agent.stop({ teardown: true }),
      };
    } catch (e) {
      return startSimNode(kubeconfig, log, `the agent failed to start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return startSimNode(kubeconfig, log, why);
}

async function startSimNode(kubeconfig: string, log: Logger, why: string): Promise<{ message: string; stop(): Promise<void> }> {
  const { runSim } = await import('../node/cli.ts');
  const sim = await runSim({ kubeconfig, nodes: 1, log: log.child({ component: 'sim' }) });
  return { message: `node ${sim.names[0]}: simulated (pods are marked Running, no containers run) because ${why}\n`, stop: async () => sim.stop() };
}

/** `kubets agent`: one node until SIGINT/SIGTERM; pods keep running in containerd's shims and are adopted on the next start. */
async function runAgentCommand(flags: AgentFlags, deps: CliDeps): Promise<number> {
  const log = deps.log ?? createLogger({ verbosity: flags.verbosity });
  const stop = deps.stopSignal ?? signalPromise();
  const { runAgent, keepAgentHeapSmall } = await import('../node/agent.ts');
  const { agentSeams } = await import('../node/kubelet/server/agent-seams.ts');
  keepAgentHeapSmall();
  let agent;
  try {
    agent = await runAgent({ ...flags, log: log.child({ component: 'agent' }), ...agentSeams() });
  } catch (e) {
    log.error('agent failed to start', { err: e instanceof Error ? e.message : String(e) });
    return 1;
  }
  (deps.print ?? ((t: string) => process.stdout.write(t)))(`node ${agent.nodeName} is running (runtime ${agent.endpoint})\n`);
  const sig = await stop;
  log.info('stopping', { signal: sig });
  await agent.stop({ teardown: process.env.KUBETS_AGENT_TEARDOWN === '1' });
  return 0;
}

/** `kubets controller-manager|scheduler|sim --kubeconfig F`: a loop against any apiserver. */
async function runLoop(kind: LoopCommand, flags: LoopFlags, deps: CliDeps): Promise<number> {
  const log = deps.log ?? createLogger({ verbosity: flags.verbosity });
  const stop = deps.stopSignal ?? signalPromise();
  let halt: () => Promise<void>;
  if (kind === 'sim') {
    // The node side has its own entry (node/cli.ts): an agent ships without the control plane.
    const { runSim } = await import('../node/cli.ts');
    try {
      const sim = await runSim({ kubeconfig: resolve(flags.kubeconfig), nodes: flags.nodes, namePrefix: flags.namePrefix, startIndex: flags.startIndex, log: log.child({ component: 'sim' }) });
      halt = async () => sim.stop();
    } catch (e) {
      log.error('kubets sim failed to start', { err: e instanceof Error ? e.message : String(e) });
      return 1;
    }
  } else {
    const { loadKubeconfig } = await import('../client/kubeconfig.ts');
    const { createClient } = await import('../client/rest.ts');
    let client;
    try {
      client = createClient(loadKubeconfig(resolve(flags.kubeconfig)));
    } catch (e) {
      log.error('cannot read kubeconfig', { file: flags.kubeconfig, err: e instanceof Error ? e.message : String(e) });
      return 1;
    }
    const { startControlPlane } = await import('./control-plane.ts');
    const caPem = readCa(flags.kubeconfig);
    const cp = startControlPlane({ client, log, components: [kind === 'scheduler' ? 'scheduler' : 'controllers'], caPem });
    halt = async () => {
      await cp.stop();
      client.close();
    };
  }
  const sig = await stop;
  log.info('stopping', { signal: sig });
  await halt();
  return 0;
}

/** The cluster CA from a kubeconfig's current cluster (certificate-authority-data), for kube-root-ca.crt. */
function readCa(kubeconfigPath: string): string {
  const text = readFileSync(resolve(kubeconfigPath), 'utf8');
  const m = /certificate-authority-data:\s*(\S+)/.exec(text);
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
}
