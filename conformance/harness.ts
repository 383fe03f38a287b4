// Black-box harness: start a real `kubets server` as a child process in a temporary data dir,
// wait until it serves /readyz, run client binaries against it, and tear it all down.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { freePort } from '../testing/tools.ts';

export { availableKubectls, kubectlBinaries, kubectlSkipReason, layerBinaries, type Binaries, type Tool } from './binaries.ts';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const KUBETS_BIN = join(ROOT, 'bin', 'kubets.js');

export interface StartOptions {
  store: 'sqlite' | 'etcd';
  /** Required for store 'etcd', e.g. http://127.0.0.1:2379. */
  etcdEndpoint?: string;
  /** More flags for `kubets server`. */
  args?: string[];
  /** How long to wait for /readyz; 60 s by default. */
  timeoutMs?: number;
}

export interface Kubets {
  /** https://127.0.0.1:PORT */
  url: string;
  /** Path of the admin kubeconfig. */
  kubeconfig: string;
  dataDir: string;
  /** PEM of the cluster CA. */
  caCert: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; removes the data dir. */
  stop(): Promise<void>;
  /** Stops the process and starts it again on the same data dir, port and store. */
  restart(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HttpsResult {
  status: number;
  body: string;
}

/** One GET over https, trusting only `ca` and presenting the client cert/key when given. */
export function httpsGet(url: string, tls: { ca: string; cert?: string; key?: string }, timeoutMs = 5000): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ...tls, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

interface KubeconfigDoc {
  clusters?: { cluster?: { server?: string } }[];
  users?: { user?: Record<string, string> }[];
}

function fromB64(s: string | undefined): string | undefined {
  return s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8');
}

/** Reads the server URL and admin credentials out of a kubets kubeconfig. */
export async function readKubeconfig(path: string): Promise<{ server: string; cert?: string; key?: string }> {
  const doc = load(await readFile(path, 'utf8')) as KubeconfigDoc;
  const server = doc.clusters?.[0]?.cluster?.server;
  if (!server) throw new Error(`${path} names no server`);
  const user = doc.users?.[0]?.user ?? {};
  return { server, cert: fromB64(user['client-certificate-data']), key: fromB64(user['client-key-data']) };
}

function watchExit(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode ?? -1);
    else child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
}

/**
 * Waits for DIR/kubeconfig, then for GET /readyz to answer 200 "ok" (and, when given, for
 * `started()`: the apiserver is ready a moment before the rest of `kubets server` is up and
 * says so). Rejects when `exited` settles first, or on timeout, with what the server printed.
 */
export async function waitForReady(
  dataDir: string,
  opts: { timeoutMs: number; exited?: Promise<unknown>; output?: () => string; started?: () => boolean },
): Promise<{ url: string; caCert: string }> {
  const deadline = Date.now() + opts.timeoutMs;
  let gone: unknown;
  opts.exited?.then((code) => (gone = code ?? 'exited'));
  const kubeconfig = join(dataDir, 'kubeconfig');
  let last = 'kubeconfig not written';
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`kubets exited (${String(gone)}) before ready:\n${opts.output?.() ?? ''}`);
    if (existsSync(kubeconfig)) {
      try {
        const kc = await readKubeconfig(kubeconfig);
        const ca = await readFile(join(dataDir, 'pki', 'ca.crt'), 'utf8');
        const res = await httpsGet(`${kc.server}/readyz`, { ca, cert: kc.cert, key: kc.key }, 2000);
        const ok = res.status === 200 && res.body.trim() === 'ok';
        if (ok && (opts.started?.() ?? true)) return { url: kc.server, caCert: ca };
        last = ok ? 'ready, but the server has not said it is running' : `/readyz answered ${res.status}: ${res.body.slice(0, 200)}`;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
    }
    await sleep(100);
  }
  throw new Error(`kubets not ready after ${opts.timeoutMs} ms (${last}):\n${opts.output?.() ?? ''}`);
}

/** Stops a child: SIGTERM, then SIGKILL after graceMs. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const exited = watchExit(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Starts `kubets server` on a free port in a fresh temporary data dir. */
export async function startKubets(opts: StartOptions): Promise<Kubets> {
  if (opts.store === 'etcd' && !opts.etcdEndpoint) throw new Error("startKubets: store 'etcd' needs etcdEndpoint");
  const dataDir = await mkdtemp(join(tmpdir(), 'kubets-'));
  const port = await freePort();
  const args = [KUBETS_BIN, 'server', '--data-dir', dataDir, '--port', String(port)];
  if (opts.store === 'etcd') args.push('--etcd-servers', opts.etcdEndpoint!);
  args.push(...(opts.args ?? []));
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  const output = () => out;
  const launch = async (): Promise<{ child: ChildProcess; url: string; caCert: string }> => {
    const from = out.length;
    const started = () => out.indexOf('kubets is running at', from) >= 0;
    const c = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout!.on('data', append);
    c.stderr!.on('data', append);
    try {
      return { child: c, ...(await waitForReady(dataDir, { timeoutMs: opts.timeoutMs ?? 60_000, exited: watchExit(c), output, started })) };
    } catch (e) {
      await stopChild(c);
      throw e;
    }
  };
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child) await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const first = await launch();
    child = first.child;
    const restart = async () => {
      if (child) await stopChild(child);
      child = undefined;
      child = (await launch()).child;
    };
    return { url: first.url, kubeconfig: join(dataDir, 'kubeconfig'), dataDir, caCert: first.caCert, output, stop: cleanup, restart };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  /** Kill the process after this long; 60 s by default. */
  timeoutMs?: number;
}

/**
 * Runs a client binary (kubectl or helm: both take --kubeconfig) against a cluster. Never
 * rejects for a non-zero exit: suites assert on code, stdout and stderr.
 */
export function kubectl(binary: string, kubeconfig: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--kubeconfig', kubeconfig, ...args], {
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the tool may exit before reading everything
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Same as kubectl(); reads better in Helm suites. */
export const helm = kubectl;

/** The minor version in a tool's name ("kubectl v1.35" -> 35; 0 when there is none). */
export function minorOf(name: string): number {
  const m = /v1\.(\d+)/.exec(name);
  return m ? Number(m[1]) : 0;
}

/**
 * A scenario's own namespace for one kubectl binary: creates it (asserting kubectl succeeded)
 * and returns `run` (kubectl -n <ns> ...) and `ok` (the same, asserting exit 0, giving stdout).
 */
export async function namespacedKubectl(
  t: { is(actual: unknown, expected: unknown, message?: string): unknown },
  tool: { name: string; path: string },
  kubeconfig: string,
  ns: string,
): Promise<{ run(args: string[], opts?: RunOptions): Promise<RunResult>; ok(args: string[], opts?: RunOptions): Promise<string> }> {
  const made = await kubectl(tool.path, kubeconfig, ['create', 'namespace', ns]);
  t.is(made.code, 0, `${tool.name}: ${made.stderr}`);
  const run = (args: string[], opts?: RunOptions) => kubectl(tool.path, kubeconfig, ['-n', ns, ...args], opts);
  const ok = async (args: string[], opts?: RunOptions) => {
    const r = await run(args, opts);
    t.is(r.code, 0, `${tool.name} kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  return { run, ok };
}
