// The node side of the kubets command (an agent ships without the control plane):
// `kubets sim --kubeconfig F --nodes N` (simulated nodes against any apiserver), `kubets agent`
// (./agent.ts) and `kubets image`. server/cli.ts parses the flags and calls these.

import { systemClock } from '../client/clock.ts';
import { createInformerFactory, stripManagedFields } from '../client/informer.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { createClient } from '../client/rest.ts';
import type { Log } from '../client/types.ts';
import { startSimulatedNodes } from './sim/index.ts';

export interface SimOptions {
  kubeconfig: string;
  nodes: number;
  namePrefix?: string;
  startIndex?: number;
  /** Client-side rate limit (qps); 0 for none. Default 500. */
  qps?: number;
  log: Log;
}

export interface SimHandle {
  names: string[];
  stop(): void;
}

export async function runSim(opts: SimOptions): Promise<SimHandle> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1) throw new Error(`--nodes must be a positive integer, got ${opts.nodes}`);
  const config = loadKubeconfig(opts.kubeconfig);
  const qps = opts.qps ?? 500;
  const client = createClient({ ...config, qps, burst: qps * 2, userAgent: 'kubets-sim' });
  const informers = createInformerFactory(client, { log: opts.log, transform: stripManagedFields });
  const sim = startSimulatedNodes({
    client,
    informers,
    count: opts.nodes,
    namePrefix: opts.namePrefix ?? 'sim-node-',
    startIndex: opts.startIndex,
    log: opts.log,
    clock: systemClock,
  });
  await sim.ready;
  opts.log.info('kubets sim running', { nodes: opts.nodes, server: config.server });
  return {
    names: sim.names,
    stop() {
      sim.stop();
      informers.stop();
      client.close();
    },
  };
}

export interface ImageCommand {
  action: 'import' | 'build-busybox';
  file?: string;
  dataDir: string;
  containerRuntimeEndpoint?: string;
}

/** `kubets image import FILE` and `kubets image build-busybox [FILE]`; resolves to what to print. */
export async function runImage(opts: ImageCommand): Promise<string> {
  const { buildBusyboxImage, importImage } = await import('./cri/image.ts');
  const { containerdLayout } = await import('./cri/containerd-config.ts');
  const { resolve } = await import('node:path');
  const { existsSync } = await import('node:fs');
  if (opts.action === 'build-busybox') {
    const file = resolve(opts.file ?? 'busybox-image.tar');
    const digest = await buildBusyboxImage(file);
    return `wrote ${file} (${digest}): localhost/kubets/busybox:1, localhost/kubets/pause:1\n`;
  }
  const socket = opts.containerRuntimeEndpoint ?? `unix://${containerdLayout(resolve(opts.dataDir)).socket}`;
  if (!opts.containerRuntimeEndpoint && !existsSync(socket.slice('unix://'.length))) {
    throw new Error(`no containerd at ${socket}: start the agent first (kubets agent, or npm start), or pass --container-runtime-endpoint`);
  }
  const out = await importImage(socket, resolve(opts.file!));
  return `${out}\n`;
}
