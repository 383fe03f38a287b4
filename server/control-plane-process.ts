// Where `kubets server`'s controller-manager and scheduler run. By default in a child process
// of their own (upstream runs kube-controller-manager and kube-scheduler as separate binaries):
// the apiserver keeps its thread for requests and the loops get the machine's other core.
// `--control-plane in-process` (and the library's startKubets) keeps them on the apiserver's
// thread. Either way they are the same code, on the same per-component identities, behind the
// same Leases, reaching the apiserver only over HTTPS.
//
// The child is `bin/kubets.js control-plane` (bundle or tsx, as the parent runs) and gets its
// ControlPlaneConfig over IPC, never on disk or argv. It never outlives the server: it stops
// when asked ('stop'), and exits at once when the IPC channel closes (the server died, even by
// SIGKILL). Its SIGINT/SIGTERM are ignored: a Ctrl-C reaches the whole process group, and the
// server stops the child itself, after the loops have handed their Leases back. A child that
// dies unasked is started again, with a backoff.

import { fork, type ChildProcess } from 'node:child_process';
import { createSecureContext, type SecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createLoopbackClient, type RestClient } from '../client/rest.ts';
import { startControlPlane, type Component } from './control-plane.ts';
import { createLogger, type Logger } from './log.ts';
import type { Pki } from './pki/index.ts';

interface Tls {
  cert: string;
  key: string;
}

/** Everything the control plane needs; plain JSON, so that it can cross to the child. */
export interface ControlPlaneConfig {
  server: string;
  ca: string;
  /** The cluster CA's key, for signing approved CSRs. */
  caKey?: string;
  /** The admin's credentials (namespaces, kube-root-ca.crt) and each component's own identity. */
  credentials: Record<Component | 'admin', Tls>;
  components: Component[];
  controllers?: string[];
  loadBalancerPool?: string[];
  identity: string;
  releaseLeases: boolean;
  leaderElection?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  verbosity: number;
}

export function controlPlaneConfig(pki: Pki, server: string, opts: Omit<ControlPlaneConfig, 'server' | 'ca' | 'caKey' | 'credentials'>): ControlPlaneConfig {
  return {
    server,
    ca: pki.caCert,
    caKey: pki.caKey,
    credentials: {
      admin: { cert: pki.adminCert, key: pki.adminKey },
      controllers: { cert: pki.controllerManagerCert, key: pki.controllerManagerKey },
      scheduler: { cert: pki.schedulerCert, key: pki.schedulerKey },
      'cloud-controller-manager': { cert: pki.cloudControllerManagerCert, key: pki.cloudControllerManagerKey },
    },
    ...opts,
  };
}

const USER_AGENTS: Record<Component, string> = { controllers: 'kube-controller-manager', scheduler: 'kube-scheduler', 'cloud-controller-manager': 'cloud-controller-manager' };

/** The control plane in this thread: each component on its own client and identity. */
export function runControlPlane(config: ControlPlaneConfig, log: Logger, wrap: (c: RestClient) => RestClient = (c) => c): { stop(): Promise<void> } {
  // One TLS context per identity, shared by its two clients (the loops' and the Lease's).
  const contexts = new Map<Tls, SecureContext>();
  const clientOf = (tls: Tls, userAgent?: string) => {
    let secureContext = contexts.get(tls);
    if (!secureContext) contexts.set(tls, (secureContext = createSecureContext({ ca: config.ca, ...tls })));
    return createLoopbackClient(config.server, { ca: config.ca, ...tls }, { secureContext, ...(userAgent ? { userAgent } : {}) });
  };
  const client = clientOf(config.credentials.admin);
  const each = (userAgent: (c: Component) => string) => Object.fromEntries(config.components.map((c) => [c, clientOf(config.credentials[c], userAgent(c))])) as Partial<Record<Component, RestClient>>;
  const clientFor = each((c) => USER_AGENTS[c]);
  const electionClientFor = each((c) => `${USER_AGENTS[c]}/leader-election`);
  const cp = startControlPlane({
    client: wrap(client),
    clientFor: Object.fromEntries(Object.entries(clientFor).map(([c, v]) => [c, wrap(v)])),
    electionClientFor,
    log,
    components: config.components,
    controllers: config.controllers,
    releaseLeases: config.releaseLeases,
    caPem: config.ca,
    caKeyPem: config.caKey,
    loadBalancerPool: config.loadBalancerPool,
    identity: config.identity,
    ...config.leaderElection,
  });
  return {
    async stop() {
      await cp.stop();
      client.close();
      for (const c of [...Object.values(clientFor), ...Object.values(electionClientFor)]) c.close();
    },
  };
}

type ChildMessage = { type: 'ready'; pid: number } | { type: 'error'; message: string } | ({ type: 'stopped'; cpuSeconds: number } & Record<string, unknown>);

export interface ControlPlaneChild {
  /** The child's pid now (a restarted child has a new one). */
  pid(): number | undefined;
  /** Stops the loops (Leases handed back), then the child; resolves to what it reported on stopping. */
  stop(): Promise<(Record<string, unknown> & { cpuSeconds: number }) | undefined>;
}

export interface ForkOptions {
  log: Logger;
  /** The child's entry and arguments; default `bin/kubets.js control-plane`. */
  entry?: string;
  args?: string[];
  /** Node flags of the child; default this process's (a --cpu-prof profiles both). */
  execArgv?: string[];
  /** How long a stop may take before the child is killed. */
  stopTimeoutMs?: number;
}

const KUBETS_BIN = fileURLToPath(new URL('../bin/kubets.js', import.meta.url));

/** Starts the control plane in a child process; resolves once its loops are started. */
export async function forkControlPlane(config: ControlPlaneConfig, opts: ForkOptions): Promise<ControlPlaneChild> {
  let child: ChildProcess;
  let stopping = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const launch = (first: boolean): Promise<void> => {
    const c = fork(opts.entry ?? KUBETS_BIN, opts.args ?? ['control-plane'], { execArgv: opts.execArgv ?? process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = c;
    let ready = false;
    const started = new Promise<void>((resolve, reject) => {
      c.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') {
          ready = true;
          resolve();
        }
        if (m.type === 'error') reject(new Error(`the control plane failed to start: ${m.message}`));
      });
      c.once('exit', (code, signal) => reject(new Error(`the control plane exited (${signal ?? code}) before it started`)));
    });
    c.once('exit', (code, signal) => {
      // The first child failing to start is the caller's error, not one to retry.
      if (stopping || (first && !ready)) return;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(restarts++, 5));
      opts.log.error('the control plane process exited; starting it again', { code, signal, pid: c.pid, inMs: delay });
      restartTimer = setTimeout(() => launch(false).catch((e: unknown) => opts.log.error('restarting the control plane failed', { err: e as Error })), delay);
    });
    c.send({ type: 'start', config });
    return started;
  };
  try {
    await launch(true);
  } catch (e) {
    stopping = true;
    process.off('exit', killOnExit);
    child!.kill('SIGKILL');
    throw e;
  }
  return {
    pid: () => child.pid,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      process.off('exit', killOnExit);
      const c = child;
      if (c.exitCode !== null || c.signalCode !== null) return undefined;
      return new Promise((resolve) => {
        let report: (Record<string, unknown> & { cpuSeconds: number }) | undefined;
        const timer = setTimeout(() => c.kill('SIGKILL'), opts.stopTimeoutMs ?? 10_000);
        c.on('message', (m: ChildMessage) => {
          if (m.type === 'stopped') report = m;
        });
        c.once('exit', () => {
          clearTimeout(timer);
          resolve(report);
        });
        c.send({ type: 'stop' });
      });
    },
  };
}

export interface ChildHooks {
  /** Wraps every client the loops get (the bench times their calls). */
  wrap?: (c: RestClient) => RestClient;
  /** Added to the 'stopped' report; called when the stop is asked for. */
  report?: () => Record<string, unknown>;
}

/**
 * The child's side: waits for its config, runs the control plane, stops when told or orphaned
 * (and exits then). false: not started over IPC, so there is nobody to take a config from.
 */
export function serveControlPlaneChild(hooks: ChildHooks = {}): boolean {
  if (!process.send) return false;
  const send = (m: ChildMessage, then: () => void = () => {}) => process.send?.(m, then);
  // The server stops this process itself, after the loops hand their Leases back.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  // The server is gone (even killed): nothing to hand back to, nobody to serve.
  process.on('disconnect', () => process.exit(1));
  let running: { stop(): Promise<void> } | undefined;
  process.on('message', (m: { type?: string; config?: ControlPlaneConfig }) => {
    if (m.type === 'start' && m.config && !running) {
      try {
        const log = createLogger({ verbosity: m.config.verbosity });
        running = runControlPlane(m.config, log, hooks.wrap);
        send({ type: 'ready', pid: process.pid });
      } catch (e) {
        send({ type: 'error', message: e instanceof Error ? e.message : String(e) }, () => process.exit(1));
      }
    }
    if (m.type === 'stop') {
      const extra = hooks.report?.() ?? {};
      void (running?.stop() ?? Promise.resolve()).finally(() => {
        const cpu = process.cpuUsage();
        send({ ...extra, type: 'stopped', cpuSeconds: (cpu.user + cpu.system) / 1e6 }, () => process.exit(0));
      });
    }
  });
  return true;
}
