// A child process that runs simulated nodes against the bench's apiserver, so their CPU is not
// the control plane's. Like `kubets sim`, but its client has no client-side rate limit: the
// CLI's one client is capped at 200 qps for all N nodes, where N real kubelets each have their
// own budget. Talks to its parent over IPC: 'ready' once every Node and Lease is registered,
// and its CPU time and memory (./memory.ts) when asked to stop. KUBETS_SIM_CPU_PROF=DIR writes a .cpuprofile of the
// child there (a fork's --cpu-prof cannot come through NODE_OPTIONS).
//
// Its server and credentials come as a JSON RestConfig written by the bench, not a kubeconfig:
// loading @kubernetes/client-node (client/kubeconfig.ts) costs ~2 CPU-s under tsx, which at
// 1,000 pods was 40% of all the sim's CPU.

import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { createClient, type RestConfig } from '../../client/rest.ts';
import { createInformerFactory, stripManagedFields } from '../../client/informer.ts';
import { systemClock } from '../../client/clock.ts';
import { startSimulatedNodes } from '../../node/sim/index.ts';
import { silentLogger } from '../../server/log.ts';
import { childSampler } from './memory.ts';
import { tuneHeapGrowth } from '../../server/heap-growth.ts';

const [credentials, count] = process.argv.slice(2);
// As `kubets control-plane` / `kubets sim` start (server/cli.ts).
tuneHeapGrowth();
const sampler = childSampler('sim');
const profileDir = process.env.KUBETS_SIM_CPU_PROF;
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  profiler.post('Profiler.enable');
  profiler.post('Profiler.start');
}
const config = JSON.parse(readFileSync(credentials, 'utf8')) as RestConfig;
const client = createClient({ ...config, qps: 0, userAgent: 'kubets-bench-sim' });
const informers = createInformerFactory(client, { transform: stripManagedFields });
const sim = startSimulatedNodes({ client, informers, count: Number(count), log: silentLogger, clock: systemClock });
sim.ready.then(
  () => process.send?.({ type: 'ready' }),
  (e: unknown) => process.send?.({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
process.on('message', (m: { type?: string }) => {
  if (m.type !== 'stop') return;
  const memory = sampler.finish('sim');
  sim.stop();
  informers.stop();
  client.close();
  const cpu = process.cpuUsage();
  const exit = () => process.send?.({ type: 'stopped', cpuSeconds: (cpu.user + cpu.system) / 1e6, memory }, () => process.exit(0));
  if (!profiler || !profileDir) return exit();
  profiler.post('Profiler.stop', (err, res) => {
    if (!err) writeFileSync(join(profileDir, `sim-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    exit();
  });
});
