// The control-plane child of the bench: exactly what `kubets server` forks by default
// (server/control-plane-process.ts: controller-manager, scheduler and cloud-controller-manager,
// each on its own identity, behind its Lease, configured over IPC), plus timing: every call
// the loops make is timed client-side (bench/scheduling/instrument.ts) and sent back with the
// CPU time and memory (./memory.ts) when the bench stops it. Warnings and errors (a lost lease, a failing list) go to
// stderr: they explain stalls.

import { serveControlPlaneChild } from '../../server/control-plane-process.ts';
import { CallTimes, timedClient } from './instrument.ts';
import { childSampler } from './memory.ts';
import { tuneHeapGrowth } from '../../server/heap-growth.ts';

// As `kubets control-plane` / `kubets sim` start (server/cli.ts).
tuneHeapGrowth();
const sampler = childSampler('control-plane');
const calls = new CallTimes();
serveControlPlaneChild({
  wrap: (c) => timedClient(c, calls),
  report: () => ({ memory: sampler.finish('control-plane'), byCall: Object.fromEntries(calls.byCall), maxInFlight: calls.maxInFlight }),
});
