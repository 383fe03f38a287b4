// containerd as the agent runs it when no --container-runtime-endpoint is given (as k3s
// does): config and CNI conflist under DATA_DIR/containerd, one daemon started detached with
// its PID in a file, so that an agent that restarts finds it still running and keeps its pods.
// `teardownRuntime` is the clean end: every sandbox stopped and removed, containerd stopped,
// shims that outlived it ended by PID, and the mounts left under our dirs unmounted.

import { spawn, execFile } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { createCriClient, isNotFound, type CriClient } from './client.ts';
import { ensurePodMasquerade, removePodMasquerade } from './pod-masquerade.ts';
import { cniConflist, containerdConfig, containerdLayout, type ContainerdLayout } from './containerd-config.ts';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ContainerdOptions {
  dataDir: string;
  /** Pod addresses handed out by the CNI bridge. */
  podCIDR?: string;
  sandboxImage?: string;
  binary?: string;
  /** How long to wait for the socket to answer; 30 s by default. */
  timeoutMs?: number;
}

export interface Containerd {
  layout: ContainerdLayout;
  endpoint: string;
  /** The daemon's PID, when it is ours. */
  pid?: number;
  /** Whether this call started it (false: one from an earlier run was still up). */
  started: boolean;
  /** Stops the daemon only; pods keep running in their shims and are adopted on the next start. */
  stop(): Promise<void>;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  const c = createCriClient(endpoint, { timeoutMs });
  try {
    await c.runtime.version();
    return true;
  } catch {
    return false;
  } finally {
    c.close();
  }
}

/** The PID in `file` when that process is still the containerd running `config` (PIDs get reused). */
function readPid(file: string, config: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(config) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function startContainerd(opts: ContainerdOptions): Promise<Containerd> {
  const l = containerdLayout(opts.dataDir);
  const endpoint = `unix://${l.socket}`;
  const oldPid = readPid(l.pidFile, l.config);
  const stop = (pid: number) => async () => {
    await stopProcess(pid);
    rmSync(l.pidFile, { force: true });
  };
  if (oldPid && alive(oldPid) && (await answers(endpoint))) return { layout: l, endpoint, pid: oldPid, started: false, stop: stop(oldPid) };
  for (const d of [l.root, l.state, l.cniConfDir, l.cniIpamDir, l.podLogs]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(l.config, containerdConfig(l, { sandboxImage: opts.sandboxImage }));
  const podCIDR = opts.podCIDR ?? '10.88.0.0/16';
  writeFileSync(`${l.cniConfDir}/10-kubets.conflist`, cniConflist(l, podCIDR));
  await ensurePodMasquerade(podCIDR);
  rmSync(l.socket, { force: true });
  const out = openSync(l.logFile, 'a');
  // Detached, in its own process group: a Ctrl-C meant for the agent does not reach it.
  const child = spawn(opts.binary ?? 'containerd', ['--config', l.config], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, sig) => resolve(`exit ${code ?? sig}`));
    child.once('error', (e) => resolve(e.message));
  });
  let gone: string | undefined;
  void exited.then((why) => (gone = why));
  child.unref();
  const pid = child.pid;
  if (pid) writeFileSync(l.pidFile, `${pid}\n`);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (gone) break;
    if (existsSync(l.socket) && (await answers(endpoint))) return { layout: l, endpoint, pid, started: true, stop: stop(pid!) };
    await sleep(100);
  }
  if (pid && !gone) await stopProcess(pid);
  const tail = existsSync(l.logFile) ? readFileSync(l.logFile, 'utf8').slice(-2000) : '';
  throw new Error(`containerd did not come up (${gone ?? 'timeout'}); its log ends:\n${tail}`);
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    while (alive(pid)) await sleep(20);
  }
}

/** Stops and removes every pod sandbox (containers first, with `graceSeconds`). */
export async function removeAllPods(cri: CriClient, graceSeconds = 0): Promise<void> {
  const containers = await cri.runtime.listContainers();
  await Promise.all(
    containers.map(async (c) => {
      if (c.state === 'CONTAINER_RUNNING') await cri.runtime.stopContainer(c.id, graceSeconds).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    }),
  );
  const sandboxes = await cri.runtime.listPodSandbox();
  for (const s of sandboxes) {
    await cri.runtime.stopPodSandbox(s.id).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    await cri.runtime.removePodSandbox(s.id).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  }
}

/** PIDs of containerd shims serving the daemon whose socket is `socket`. */
export function shimPids(socket: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let cmd: string[];
    try {
      cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!cmd[0]?.includes('containerd-shim')) continue;
    const i = cmd.indexOf('-address');
    if (i >= 0 && cmd[i + 1] === socket) pids.push(Number(e));
  }
  return pids;
}

/** The pod CIDR the conflist we wrote hands out, if we wrote one. */
function conflistSubnet(l: ContainerdLayout): string | undefined {
  try {
    const conf = JSON.parse(readFileSync(`${l.cniConfDir}/10-kubets.conflist`, 'utf8')) as { plugins?: { ipam?: { ranges?: { subnet?: string }[][] } }[] };
    return conf.plugins?.[0]?.ipam?.ranges?.[0]?.[0]?.subnet;
  } catch {
    return undefined;
  }
}

/** Mount points at or under `dir` (deepest first), from /proc/self/mountinfo. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => unescape(l.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

export async function unmountAll(dir: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const left = mountsUnder(dir);
    if (!left.length) return;
    for (const m of left) await run('umount', [m]).catch(() => run('umount', ['-l', m]).catch(() => undefined));
  }
}

/**
 * The clean end of a node: every pod gone from the runtime, containerd stopped (when `daemon`
 * is ours), leftover shims ended and mounts under the data dir unmounted.
 */
export async function teardownRuntime(opts: { dataDir: string; endpoint?: string; daemon?: Containerd; graceSeconds?: number }): Promise<void> {
  const l = containerdLayout(opts.dataDir);
  const endpoint = opts.endpoint ?? opts.daemon?.endpoint ?? `unix://${l.socket}`;
  if (await answers(endpoint)) {
    const cri = createCriClient(endpoint, { timeoutMs: 30_000 });
    try {
      await removeAllPods(cri, opts.graceSeconds ?? 0);
    } finally {
      cri.close();
    }
  }
  const pid = opts.daemon?.pid ?? readPid(l.pidFile, l.config);
  if (pid) await stopProcess(pid);
  rmSync(l.pidFile, { force: true });
  for (const shim of shimPids(l.socket)) await stopProcess(shim, 2000);
  await unmountAll(opts.dataDir);
  const podCIDR = conflistSubnet(l);
  if (podCIDR) await removePodMasquerade(podCIDR);
}
