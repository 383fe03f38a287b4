// A child process that runs the controller-manager and the scheduler (each behind its Lease)
// against the bench's apiserver, as upstream runs them: separate from the apiserver, so the
// apiserver has a core of its own. Like `kubets controller-manager` + `kubets scheduler`, but
// its client has no client-side rate limit and its calls are timed (bench/scheduling/instrument.ts);
// like the sim child, it reads a JSON RestConfig rather than a kubeconfig (no client-node to load).
// Warnings and errors (a lost lease, a failing list) go to stderr: they explain stalls.
// Talks to its parent over IPC: on 'stop', it stops and sends its call timings and CPU time.

import { readFileSync } from 'node:fs';
import { createClient, type RestConfig } from '../../client/rest.ts';
import { startControlPlane } from '../../server/control-plane.ts';
import { createLogger } from '../../server/log.ts';
import { CallTimes, timedClient } from './instrument.ts';

const [credentials] = process.argv.slice(2);
const config = JSON.parse(readFileSync(credentials, 'utf8')) as RestConfig;
const client = createClient({ ...config, qps: 0, userAgent: 'kubets-bench-control-plane' });
const calls = new CallTimes();
const cp = startControlPlane({ client: timedClient(client, calls), log: createLogger({ verbosity: 0, fields: { process: 'bench-control-plane' } }), components: ['controllers', 'scheduler'], caPem: String(config.ca) });
process.send?.({ type: 'ready' });
process.on('message', (m: { type?: string }) => {
  if (m.type !== 'stop') return;
  void cp.stop().finally(() => {
    client.close();
    const cpu = process.cpuUsage();
    const byCall = Object.fromEntries(calls.byCall);
    process.send?.({ type: 'stopped', cpuSeconds: (cpu.user + cpu.system) / 1e6, byCall, maxInFlight: calls.maxInFlight }, () => process.exit(0));
  });
});
