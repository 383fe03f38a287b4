// `kubets sim --kubeconfig F --nodes N`: simulated nodes against any apiserver. The lead's CLI
// parses the flags and calls runSim; it resolves once the nodes are registered and returns a
// handle whose stop() halts heartbeats and closes the connections.

import { systemClock } from '../../client/clock.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { loadKubeconfig } from '../../client/kubeconfig.ts';
import { createClient } from '../../client/rest.ts';
import type { Log } from '../../client/types.ts';
import { startSimulatedNodes } from './index.ts';

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
  const informers = createInformerFactory(client, { log: opts.log });
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
