// A child process that runs simulated nodes against the bench's apiserver, so their CPU is not
// the control plane's. Like `kubets sim`, but its client has no client-side rate limit: the
// CLI's one client is capped at 200 qps for all N nodes, where N real kubelets each have their
// own budget. Talks to its parent over IPC: 'ready' once every Node and Lease is registered,
// and its CPU time when asked to stop.

import { readFileSync } from 'node:fs';
import { kubeconfigFromString } from '../../client/kubeconfig.ts';
import { createClient } from '../../client/rest.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { systemClock } from '../../client/clock.ts';
import { startSimulatedNodes } from '../../node/sim/index.ts';
import { silentLogger } from '../../server/log.ts';

const [kubeconfig, count] = process.argv.slice(2);
const client = createClient({ ...kubeconfigFromString(readFileSync(kubeconfig, 'utf8')), qps: 0, userAgent: 'kubets-bench-sim' });
const informers = createInformerFactory(client);
const sim = startSimulatedNodes({ client, informers, count: Number(count), log: silentLogger, clock: systemClock });
informers.start();
sim.ready.then(
  () => process.send?.({ type: 'ready' }),
  (e: unknown) => process.send?.({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
process.on('message', (m: { type?: string }) => {
  if (m.type !== 'stop') return;
  sim.stop();
  informers.stop();
  client.close();
  const cpu = process.cpuUsage();
  process.send?.({ type: 'stopped', cpuSeconds: (cpu.user + cpu.system) / 1e6 }, () => process.exit(0));
});
