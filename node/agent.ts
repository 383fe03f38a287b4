// `kubets agent`: one node. Starts containerd under the data dir unless given an endpoint,
// makes sure the pause image is there (built from busybox-static: no registry is reachable),
// then runs the kubelet against the API from a kubeconfig.
//
// Seams for what other parts add: `bootstrap` turns --server/--token into API credentials
// (the CSR join), and `startKubeletServer` starts the kubelet's HTTPS server (logs, exec,
// attach, port-forward, stats) before the Node registers, so its port goes into
// daemonEndpoints.

import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { JOINED_KUBECONFIG } from './bootstrap/kubeconfig.ts';
import { createClient, type RestConfig } from '../client/rest.ts';
import type { Log } from '../client/types.ts';
import { createCriClient, type CriClient } from './cri/client.ts';
import { PAUSE_IMAGE } from './cri/containerd-config.ts';
import { alive, startContainerd, teardownRuntime, type Containerd } from './cri/containerd.ts';
import { buildBusyboxImage, importImage } from './cri/image.ts';
import { startKubelet, type Kubelet } from './kubelet/kubelet.ts';
import { defaultHostIP, defaultNodeName } from './kubelet/node-info.ts';
import { startNodeNetworking, type NodeNetworking } from './network.ts';

export interface KubeletServerDeps {
  cri: CriClient;
  nodeName: string;
  dataDir: string;
  log: Log;
  /** The running kubelet (set once it has started). */
  kubelet(): Kubelet | undefined;
  /** The node's API credentials (the serving certificate is asked for with them). */
  config: RestConfig;
  hostIP: string;
}

export interface AgentOptions {
  /** Credentials from a kubeconfig file. */
  kubeconfig?: string;
  /** --server URL --token T: joins through `bootstrap` (the CSR flow). */
  server?: string;
  token?: string;
  bootstrap?: (o: { server: string; token: string; dataDir: string; nodeName: string; log: Log }) => Promise<RestConfig>;
  /** unix:///path of a CRI runtime; without it the agent starts containerd itself. */
  containerRuntimeEndpoint?: string;
  nodeName?: string;
  dataDir: string;
  podCIDR?: string;
  /** Upstream's --sync-frequency in ms (default 60 s): volume refreshes and periodic pod syncs. */
  syncFrequencyMs?: number;
  hostIP?: string;
  log: Log;
  startKubeletServer?: (deps: KubeletServerDeps) => Promise<{ port: number; close(): Promise<void> }>;
}

export interface RunningAgent {
  nodeName: string;
  endpoint: string;
  /** Whether this agent runs containerd (false: given an endpoint). */
  ownsRuntime: boolean;
  kubelet: Kubelet;
  /** Stops the agent; `teardown` also removes every pod from the runtime and stops containerd. */
  stop(opts?: { teardown?: boolean }): Promise<void>;
}

/** Makes sure the sandbox image is in the runtime, building it from /bin/busybox when it is not. */
export async function ensurePauseImage(cri: CriClient, dataDir: string, log: Log): Promise<void> {
  if (await cri.image.imageStatus(PAUSE_IMAGE)) return;
  const file = join(dataDir, 'busybox-image.tar');
  await buildBusyboxImage(file);
  await importImage(cri.endpoint, file);
  log.info('imported the pause and busybox images', { file });
}

/**
 * For a process that is only an agent (`kubets agent`, not `kubets all`, whose apiserver wants
 * room): V8 flags it reads at run time (sizes fixed at start cannot change here).
 * - `--semi-space-growth-factor=1`: the young generation stays at its first size (1 MB
 *   semi-spaces). By default it grew to 16 MB ones under the burst of pods starting and
 *   stayed committed after: ~30 MB of the idle agent's RSS (bench/node: 112 -> ~80-95 MB).
 * - `--optimize-for-size`: the old generation grows by small steps and is collected sooner
 *   (~8 MB less RSS in the same bench run, same idle CPU and create -> Running times).
 * Scavenges and mark-compacts get more frequent and cheaper; an agent whose pods run
 * allocates little.
 */
export function keepAgentHeapSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
}

export async function runAgent(opts: AgentOptions): Promise<RunningAgent> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const nodeName = opts.nodeName ?? defaultNodeName();
  let config: RestConfig;
  const joined = join(dataDir, JOINED_KUBECONFIG);
  if (opts.kubeconfig) config = loadKubeconfig(resolve(opts.kubeconfig));
  // No token: the join may still reuse the credentials of an earlier one (bootstrap says when not).
  else if (opts.server && opts.bootstrap) config = await opts.bootstrap({ server: opts.server, token: opts.token ?? '', dataDir, nodeName, log: opts.log });
  else if (opts.server) throw new Error('joining with --server and --token is not available in this build; use --kubeconfig FILE');
  // Neither flag: the credentials an earlier join left, as upstream's kubelet keeps using its --kubeconfig.
  else if (existsSync(joined)) config = loadKubeconfig(joined);
  else throw new Error(`the agent needs --kubeconfig FILE, or --server URL --token T (no earlier join in ${dataDir})`);
  let daemon: Containerd | undefined;
  if (!opts.containerRuntimeEndpoint) {
    daemon = await startContainerd({ dataDir, podCIDR: opts.podCIDR });
    opts.log.info(daemon.started ? 'containerd started' : 'containerd already running; reusing it', { endpoint: daemon.endpoint, pid: daemon.pid });
  }
  const endpoint = opts.containerRuntimeEndpoint ?? daemon!.endpoint;
  // A containerd of ours that dies is started again, as k3s supervises its own: the shims
  // outlive it, and the new daemon picks their containers up, so running pods go on.
  let stopped = false;
  let restarting: Promise<void> | undefined;
  const supervise = daemon
    ? setInterval(() => {
        if (stopped || restarting || !daemon?.pid || alive(daemon.pid)) return;
        opts.log.warn('containerd exited; starting it again', { pid: daemon.pid });
        restarting = startContainerd({ dataDir, podCIDR: opts.podCIDR })
          .then((d) => {
            daemon = d;
            opts.log.info('containerd started again', { pid: d.pid });
          })
          .catch((e) => opts.log.error('containerd did not start again', { err: e as Error }))
          .finally(() => (restarting = undefined));
      }, 1000)
    : undefined;
  supervise?.unref();
  /** No more restarts, and one in flight has finished (so what it started is stopped too). */
  const endSupervision = async () => {
    stopped = true;
    clearInterval(supervise);
    await restarting;
  };
  const cri = createCriClient(endpoint);
  const client = createClient({ ...config, userAgent: `kubets-agent/${nodeName}` });
  let kubelet: Kubelet | undefined;
  let network: NodeNetworking | undefined;
  try {
    // Service networking (node/network.ts): proxy rules, cluster DNS; its nameservers go to pods.
    if (process.env.KUBETS_AGENT_NETWORK !== '0') network = await startNodeNetworking({ client, config, dataDir, nodeName, podCIDR: opts.podCIDR, log: opts.log });
    if (daemon) await ensurePauseImage(cri, dataDir, opts.log);
    const hostIP = opts.hostIP ?? defaultHostIP();
    const server = opts.startKubeletServer ? await opts.startKubeletServer({ cri, nodeName, dataDir, log: opts.log, kubelet: () => kubelet, config, hostIP }) : undefined;
    const ca = config.ca ? config.ca.toString() : undefined;
    kubelet = startKubelet({ client, cri, nodeName, hostIP, dataDir, log: opts.log, caPem: ca, kubeletPort: server?.port, podCIDR: opts.podCIDR, dnsServers: network?.clusterDNS, syncFrequencyMs: opts.syncFrequencyMs });
    await kubelet.ready;
    const running = kubelet;
    return {
      nodeName,
      endpoint,
      ownsRuntime: !!daemon,
      kubelet: running,
      async stop(o = {}) {
        await endSupervision();
        await running.stop();
        await network?.stop();
        await server?.close();
        client.close();
        cri.close();
        if (o.teardown) await teardownRuntime({ dataDir, endpoint, daemon });
        else await daemon?.stop();
      },
    };
  } catch (e) {
    await endSupervision();
    await kubelet?.stop().catch(() => undefined);
    await network?.stop().catch(() => undefined);
    client.close();
    cri.close();
    if (daemon?.started) await teardownRuntime({ dataDir, daemon }).catch(() => undefined);
    throw e;
  }
}

/** Why containers cannot run here, or undefined when they can (root, containerd, runc, CNI plugins). */
export function containersUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `containers need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'containers need root (containerd runs as root)';
  for (const bin of ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/bin/ctr', '/usr/lib/cni/bridge', '/bin/busybox']) {
    if (!existsSync(bin)) return `${bin} is missing (apt-get install containerd runc containernetworking-plugins busybox-static)`;
  }
  return undefined;
}

