// A real etcd cluster on loopback for HA tests and benchmarks: N members (3 by default), free
// client and peer ports, one temp dir, quiet logs (each member's beside its data dir). Any
// member can be killed (SIGKILL: a crash) and started again on the same ports and data; the
// current Raft leader is asked of the members themselves (etcd's JSON gateway).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, which } from './tools.ts';
import { MAX_REQUEST_BYTES } from './etcd.ts';

export interface EtcdMember {
  name: string;
  /** http://127.0.0.1:<client port> */
  endpoint: string;
  logFile: string;
  running(): boolean;
  /** SIGKILL by default: the member crashes; ports and data are kept. */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same ports and data and waits until it is healthy. */
  restart(): Promise<void>;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Every member's client URL (what --etcd-servers takes). */
  endpoints: string[];
  /** The index of the member that is the Raft leader now, as a running member reports it. */
  leader(): Promise<number>;
  /** Stops every member and removes the directory. */
  stop(): Promise<void>;
}

export interface EtcdClusterOptions {
  size?: number;
  /** How long to wait for the cluster to become healthy; default 30 s. */
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEtcdCluster(opts: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const bin = which('etcd');
  if (!bin) throw new Error('etcd not found on PATH');
  const size = opts.size ?? 3;
  const root = await mkdtemp(join(tmpdir(), 'kubets-etcd-cluster-'));
  const ports: { client: number; peer: number }[] = [];
  const taken = new Set<number>();
  while (ports.length < size) {
    const client = await freePort();
    const peer = await freePort();
    if (client === peer || taken.has(client) || taken.has(peer)) continue;
    taken.add(client).add(peer);
    ports.push({ client, peer });
  }
  const names = ports.map((_, i) => `m${i}`);
  const initialCluster = names.map((n, i) => `${n}=http://127.0.0.1:${ports[i].peer}`).join(',');
  const procs: (ChildProcess | undefined)[] = new Array(size).fill(undefined);
  const exits: Promise<void>[] = new Array(size).fill(Promise.resolve());

  const launch = (i: number): void => {
    const client = `http://127.0.0.1:${ports[i].client}`;
    const peer = `http://127.0.0.1:${ports[i].peer}`;
    const fd = openSync(join(root, `${names[i]}.log`), 'a');
    const child = spawn(
      bin,
      [
        '--name', names[i],
        '--data-dir', join(root, names[i]),
        '--listen-client-urls', client,
        '--advertise-client-urls', client,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', initialCluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', 'kubets-test',
        '--logger', 'zap',
        '--log-level', 'error',
        '--log-outputs', 'stderr',
        '--max-request-bytes', String(MAX_REQUEST_BYTES),
      ],
      { stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    procs[i] = child;
    exits[i] = new Promise((resolve) => child.once('exit', () => {
      if (procs[i] === child) procs[i] = undefined;
      resolve();
    }));
  };

  const waitHealthy = async (indexes: number[], timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (const i of indexes) {
      while (!(await healthy(ports[i].client))) {
        if (!procs[i] || Date.now() > deadline) {
          const log = await readFile(join(root, `${names[i]}.log`), 'utf8').catch(() => '');
          throw new Error(`etcd member ${names[i]} not healthy (${procs[i] ? 'timed out' : 'exited'}); last log lines:\n${log.split('\n').slice(-8).join('\n')}`);
        }
        await sleep(50);
      }
    }
  };

  const kill = async (i: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): Promise<void> => {
    const child = procs[i];
    if (!child) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exits[i];
    clearTimeout(timer);
  };

  const stop = async () => {
    await Promise.all(names.map((_, i) => kill(i, 'SIGTERM')));
    await rm(root, { recursive: true, force: true });
  };

  names.forEach((_, i) => launch(i));
  try {
    await waitHealthy(names.map((_, i) => i), opts.startTimeoutMs ?? 30_000);
  } catch (e) {
    await stop();
    throw e;
  }

  const members: EtcdMember[] = names.map((name, i) => ({
    name,
    endpoint: `http://127.0.0.1:${ports[i].client}`,
    logFile: join(root, `${name}.log`),
    running: () => procs[i] !== undefined,
    kill: (signal) => kill(i, signal),
    async restart() {
      await kill(i, 'SIGTERM');
      launch(i);
      await waitHealthy([i], opts.startTimeoutMs ?? 30_000);
    },
  }));

  return {
    members,
    endpoints: members.map((m) => m.endpoint),
    async leader() {
      for (let attempt = 0; attempt < 100; attempt++) {
        for (const [i, m] of members.entries()) {
          if (!m.running()) continue;
          const status = await memberStatus(ports[i].client);
          if (!status?.leader || status.leader === '0') continue;
          const at = await Promise.all(members.map(async (o, j) => (o.running() ? (await memberStatus(ports[j].client))?.header?.member_id : undefined)));
          const found = at.indexOf(status.leader);
          if (found >= 0) return found;
        }
        await sleep(100);
      }
      throw new Error('no etcd member reports a leader');
    },
    stop,
  };
}

interface MemberStatus {
  header?: { member_id?: string };
  leader?: string;
}

async function memberStatus(port: number): Promise<MemberStatus | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) });
    return (await res.json()) as MemberStatus;
  } catch {
    return undefined;
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}
