// Starts a real, single-member etcd on loopback for tests and benchmarks: free client and
// peer ports, a temp data dir, quiet logs (written to etcd.log beside the data dir). The same
// member can be killed and started again on the same ports and data (restart tests).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, which } from './tools.ts';
import { MAX_VALUE_BYTES } from '../server/storage/types.ts';

export interface EtcdHarnessOptions {
  /** The etcd binary; default: `etcd` on PATH. */
  bin?: string;
  /** How often etcd sends watch progress notifications (etcd's default is 10 minutes). */
  progressNotifyIntervalMs?: number;
  /** More etcd flags. */
  extraArgs?: string[];
  /** How long to wait for etcd to report healthy; default 20 s. */
  startTimeoutMs?: number;
}

export interface EtcdHarness {
  /** http://127.0.0.1:<client port> */
  endpoint: string;
  dataDir: string;
  /** The file etcd's output goes to. */
  logFile: string;
  /** Stops etcd for good and removes its directory. */
  stop(): Promise<void>;
  /** Stops the process (SIGTERM, or SIGKILL to simulate a crash) but keeps ports and data. */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the same member again on the same ports and data (kills it first if running). */
  restart(): Promise<void>;
  /** True while the process is running. */
  running(): boolean;
}

const HEALTH_POLL_MS = 50;
/** etcd's default is 1.5 MiB, which is exactly our value limit and leaves no room for the key. */
export const MAX_REQUEST_BYTES = MAX_VALUE_BYTES + 64 * 1024;

export async function startEtcd(opts: EtcdHarnessOptions = {}): Promise<EtcdHarness> {
  const bin = opts.bin ?? which('etcd');
  if (!bin) throw new Error('etcd not found on PATH');
  const root = await mkdtemp(join(tmpdir(), 'kubets-etcd-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'etcd.log');
  let clientPort = 0;
  let peerPort = 0;
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const args = (): string[] => {
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const a = [
      '--name', 'kubets-test',
      '--data-dir', dataDir,
      '--listen-client-urls', client,
      '--advertise-client-urls', client,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `kubets-test=${peer}`,
      '--initial-cluster-state', 'new',
      '--logger', 'zap',
      '--log-level', 'error',
      '--log-outputs', 'stderr',
      // A 1.5 MiB value (the store's limit) plus the key and the txn around it.
      '--max-request-bytes', String(MAX_REQUEST_BYTES),
    ];
    if (opts.progressNotifyIntervalMs) {
      a.push('--experimental-watch-progress-notify-interval', `${opts.progressNotifyIntervalMs}ms`);
    }
    return a.concat(opts.extraArgs ?? []);
  };

  const launch = async (): Promise<void> => {
    const fd = openSync(logFile, 'a');
    const child = spawn(bin, args(), { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    proc = child;
    let exitInfo: string | undefined;
    exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = `exited with ${signal ?? code}`;
        if (proc === child) proc = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
    for (;;) {
      if (exitInfo) {
        const log = await readFile(logFile, 'utf8').catch(() => '');
        throw new Error(`etcd ${exitInfo} while starting; last log lines:\n${log.split('\n').slice(-8).join('\n')}`);
      }
      if (await healthy(clientPort)) return;
      if (Date.now() > deadline) {
        await stopProcess('SIGKILL');
        throw new Error(`etcd on 127.0.0.1:${clientPort} not healthy after ${opts.startTimeoutMs ?? 20_000} ms (log: ${logFile})`);
      }
      await sleep(HEALTH_POLL_MS);
    }
  };

  const stopProcess = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    const child = proc;
    if (!child) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  // Ports are free when asked for but another process may take them before etcd binds:
  // on the first start only, try a few fresh pairs.
  for (let attempt = 1; ; attempt++) {
    clientPort = await freePort();
    peerPort = await freePort();
    if (peerPort === clientPort) continue;
    try {
      await launch();
      break;
    } catch (e) {
      await rm(dataDir, { recursive: true, force: true });
      if (attempt >= 3) {
        await rm(root, { recursive: true, force: true });
        throw e;
      }
    }
  }

  return {
    endpoint: `http://127.0.0.1:${clientPort}`,
    dataDir,
    logFile,
    running: () => proc !== undefined,
    kill: (signal = 'SIGTERM') => stopProcess(signal),
    async restart() {
      await stopProcess('SIGTERM');
      await launch();
    },
    async stop() {
      await stopProcess('SIGTERM');
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
