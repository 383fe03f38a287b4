// bench pod-writes: what one scheduled pod costs the apiserver, without the rest of a cluster.
// The apiserver runs on this process's main thread; a worker thread makes, per pod, the writes
// bench/scheduling's cluster makes (the ReplicaSet controller's create, the scheduler's binding
// and Scheduled event, the kubelet's strategic status patch) with pod watch streams open, as
// the control plane's, the sim's and the bench's informers (each namespace has its default
// ServiceAccount, as in a cluster). The figure is the main thread's CPU
// time per pod (from /proc: the worker's is not in it), which the load on a shared host
// disturbs far less than a rate or the thread's busy wall time. BENCH_PODS pods per round
// (default 3,000), BENCH_ROUNDS rounds (default 3) after a warm-up round of 500.
// BENCH_ALLOC_PROFILE=DIR samples what the main thread allocates in the measured rounds,
// garbage included, into DIR/pod-writes-PID.heapprofile (read it with alloc-summary.ts).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer } from '../../server/apiserver/app.ts';
import { ensurePki } from '../../server/pki/index.ts';
import { silentLogger } from '../../server/log.ts';
import { fmt, mainThreadCpuMs, printTable } from '../stats.ts';
import { adminAgent, expect, target } from '../api/http.ts';
import { startLoad } from '../api/load.ts';
import { writesPerCommit } from '../api/reference.ts';

const WATCHES = 3;
const CONCURRENCY = 64;

export async function benchPodWrites(opts: { pods?: number; rounds?: number } = {}): Promise<void> {
  const pods = opts.pods ?? 3000;
  const rounds = opts.rounds ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'kubets-pod-writes-'));
  const pki = await ensurePki(join(dir, 'pki'));
  const server = await startApiServer({ dataDir: join(dir, 'server'), port: 0, bindAddress: '127.0.0.1', pki, log: silentLogger });
  const load = await startLoad(pki);
  const rows: string[][] = [];
  try {
    const setup = target(adminAgent(pki, 4), server.url);
    let first = 0;
    let allocations: Session | undefined;
    for (let round = 0; round <= rounds; round++) {
      const ns = `pods-${round}`;
      await expect(setup, 201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
      // What the cluster's service-account controller makes: pods then get their token volume
      // as the cluster's do, and the ServiceAccount admission finds what it looks up.
      await expect(setup, 201, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }));
      const count = round === 0 ? 500 : pods;
      const load1 = loadavg()[0];
      const cpu0 = mainThreadCpuMs();
      const commits0 = writesPerCommit(server.backend).stats;
      const r = await load.run({ kind: 'pod-life', url: server.url, namespace: ns, first, count, concurrency: CONCURRENCY, watches: WATCHES });
      const cpuMs = mainThreadCpuMs() - cpu0;
      const perCommit = writesPerCommit(server.backend, commits0).perCommit;
      first += count;
      if (round === 0) {
        allocations = startAllocationProfile(); // from the first measured round on
        continue; // warm-up: JIT, connections
      }
      rows.push([String(round), fmt(count), fmt(cpuMs / count, 2), fmt(r.figures.opsPerSec), fmt(r.figures.p99Ms), perCommit === undefined ? '' : fmt(perCommit, 1), fmt(load1, 1)]);
    }
    if (allocations) await stopAllocationProfile(allocations, join(process.env.BENCH_ALLOC_PROFILE!, `pod-writes-${process.pid}.heapprofile`));
  } finally {
    await load.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    `bench pod-writes: per pod a create (kube-controller-manager), a binding and a Scheduled event (kube-scheduler), a strategic status patch (kubelet); ${WATCHES} pod watches open, ${CONCURRENCY} pods at once`,
    ['round', 'pods', 'apiserver thread CPU ms per pod', 'pods/s', 'pod p99 ms (4 calls)', 'writes per commit', 'host load (1m)'],
    rows,
  );
}

/** Samples every allocation of this thread, collected ones included, when BENCH_ALLOC_PROFILE is set. */
function startAllocationProfile(): Session | undefined {
  if (!process.env.BENCH_ALLOC_PROFILE) return undefined;
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as object);
  return session;
}

function stopAllocationProfile(session: Session, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    session.post('HeapProfiler.stopSampling', (err, r) => {
      session.disconnect();
      if (err) return reject(err);
      writeFileSync(file, JSON.stringify(r.profile));
      resolve();
    });
  });
}
