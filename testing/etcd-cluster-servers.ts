// An HA control plane on loopback for tests and benchmarks: a 3-member etcd cluster
// (etcd-cluster.ts) and 2-3 `kubets server` processes on it, sharing one PKI (as kubeadm
// copies the CA and service-account keys to every control-plane machine). Each server runs
// its own controller-manager and scheduler candidates; one of each leads through a Lease.
// The admin kubeconfig lists every server: our clients fail over along the list, kubectl
// uses the first (or `--context kubets-N` for server N).

import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './tools.ts';
import { startEtcdCluster, type EtcdCluster } from './etcd-cluster.ts';
import { KUBETS_BIN, stopChild, waitForReady } from '../conformance/harness.ts';
import { ensurePki, type Pki } from '../server/pki/index.ts';
import { renderKubeconfig } from '../server/pki/kubeconfig.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { createClient, type RestClient } from '../client/rest.ts';
import { LEASES } from '../client/leader-election.ts';

export interface HaServer {
  url: string;
  port: number;
  dataDir: string;
  running(): boolean;
  /** SIGKILL by default: the machine is gone, nothing is handed back. */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and data dir and waits until it serves. */
  restart(): Promise<void>;
  output(): string;
}

export interface HaCluster {
  etcd: EtcdCluster;
  servers: HaServer[];
  pki: Pki;
  /** The admin kubeconfig listing every server. */
  kubeconfig: string;
  /** An admin client that fails over along the servers. */
  client(): RestClient;
  /** Which server's process holds a Lease in kube-system now (undefined: none, or expired). */
  leaseHolder(lease: 'kube-controller-manager' | 'kube-scheduler'): Promise<{ server: number | undefined; holder: string | undefined; renewTime?: string }>;
  stop(): Promise<void>;
}

export interface HaClusterOptions {
  servers?: number;
  /** The components' Lease timings, as `kubets server --leader-elect-*` takes them. */
  leaseDuration?: string;
  renewDeadline?: string;
  retryPeriod?: string;
  /** More flags for every server. */
  args?: string[];
}

export async function startHaCluster(opts: HaClusterOptions = {}): Promise<HaCluster> {
  const etcd = await startEtcdCluster();
  const root = await mkdtemp(join(tmpdir(), 'kubets-ha-'));
  const clients: RestClient[] = [];
  const servers: HaServer[] = [];
  try {
    const pki = await ensurePki(join(root, 's0'), { bindAddress: '127.0.0.1' });
    const n = opts.servers ?? 3;
    const ports: number[] = [];
    while (ports.length < n) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    for (let i = 1; i < n; i++) await cp(join(root, 's0', 'pki'), join(root, `s${i}`, 'pki'), { recursive: true });
    const le = [
      ...(opts.leaseDuration ? ['--leader-elect-lease-duration', opts.leaseDuration] : []),
      ...(opts.renewDeadline ? ['--leader-elect-renew-deadline', opts.renewDeadline] : []),
      ...(opts.retryPeriod ? ['--leader-elect-retry-period', opts.retryPeriod] : []),
    ];
    // allSettled, not all: when one server fails to start, the others must still be known (and
    // killed below), or they outlive the test and keep its worker from exiting.
    const started = await Promise.allSettled(
      ports.map((port, i) => startServer(join(root, `s${i}`), port, ['--etcd-servers', etcd.endpoints.join(','), ...le, ...(opts.args ?? [])])),
    );
    for (const r of started) if (r.status === 'fulfilled') servers.push(r.value);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const urls = servers.map((s) => s.url);
    const kubeconfig = join(root, 'kubeconfig');
    await writeFile(kubeconfig, renderKubeconfig(pki, { server: urls[0], servers: urls }), { mode: 0o600 });
    const client = () => {
      const c = createClient({ ...loadKubeconfig(kubeconfig), timeoutMs: 10_000 });
      clients.push(c);
      return c;
    };
    const leases = client();
    return {
      etcd,
      servers,
      pki,
      kubeconfig,
      client,
      async leaseHolder(lease) {
        const l = await leases.get(LEASES, 'kube-system', lease);
        const spec = (l.spec ?? {}) as { holderIdentity?: string; renewTime?: string };
        const holder = spec.holderIdentity || undefined;
        // Identities are HOSTNAME_PORT_RANDOM (server/cli.ts).
        const port = holder ? Number(/_(\d+)_[0-9a-f]+$/.exec(holder)?.[1]) : NaN;
        const at = servers.findIndex((s) => s.port === port);
        return { server: at >= 0 ? at : undefined, holder, renewTime: spec.renewTime };
      },
      async stop() {
        for (const c of clients) c.close();
        await Promise.all(servers.map((s) => s.kill('SIGTERM')));
        await etcd.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.kill('SIGKILL')));
    await etcd.stop();
    await rm(root, { recursive: true, force: true });
    throw e;
  }
}

async function startServer(dataDir: string, port: number, extra: string[]): Promise<HaServer> {
  const args = [KUBETS_BIN, 'server', '--data-dir', dataDir, '--port', String(port), ...extra];
  let out = '';
  let child: ChildProcess | undefined;
  const launch = async () => {
    const from = out.length;
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (b: Buffer) => {
      out += b.toString('utf8');
      if (out.length > 1_000_000) out = out.slice(-500_000);
    };
    c.stdout!.on('data', append);
    c.stderr!.on('data', append);
    const exited = new Promise<number | string>((resolve) => c.once('exit', (code, signal) => {
      if (child === c) child = undefined;
      resolve(code ?? signal ?? -1);
    }));
    child = c;
    try {
      await waitForReady(dataDir, { timeoutMs: 60_000, exited, output: () => out, started: () => out.indexOf('kubets is running at', from) >= 0 });
    } catch (e) {
      await stopChild(c);
      throw e;
    }
  };
  await launch();
  const kill = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL') => {
    const c = child;
    if (!c) return;
    if (signal === 'SIGKILL') {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    } else await stopChild(c);
  };
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    dataDir,
    running: () => child !== undefined,
    kill,
    async restart() {
      await kill('SIGTERM');
      await launch();
    },
    output: () => out,
  };
}
