// bench/scheduling: a whole control plane on loopback (apiserver, leader-elected controller-
// manager and scheduler, simulated nodes), P pods as Deployments on N nodes. Prints the
// scheduler's binding rate, pod startup latency (create -> Running) and the apiserver's own
// p99 for mutating calls, beside upstream's SLOs and our aim. Small runs first so the scaling
// shows: everything in one process (`kubets server` + an in-process sim), the sim in a child,
// and the controller-manager + scheduler in a child too (upstream's layout: the apiserver
// gets a core of its own, and what plain `kubets server` does). The full run uses that last
// layout unless BENCH_CP=inproc (`kubets server --control-plane in-process`).

import { fmt, printTable } from './stats.ts';
import { measureRun, type RunResult } from './scheduling/run.ts';
import type { ControlPlaneMode, SimMode } from './scheduling/cluster.ts';
import type { MemoryFigures } from './scheduling/memory.ts';
import { COMPILED, runCompiled } from './scheduling/compiled.ts';
import { tuneHeapGrowth } from '../server/heap-growth.ts';

const AIM_BIND_PER_SEC = 300;
const SLO_STARTUP_P99_MS = 5000;
const SLO_MUTATING_P99_S = 1;

export interface SchedulingOptions {
  nodes?: number;
  pods?: number;
  /** Where the full run's sim lives; default a child process. */
  sim?: SimMode;
  /** Where the full run's controller-manager and scheduler live; default a child process. */
  cp?: ControlPlaneMode;
  /** Per run; default 300 s for the full run, 120 s for the small ones. */
  timeoutSeconds?: number;
  /** The three small runs before the full one (100 nodes, 1,000 pods); default true. */
  small?: boolean;
}

/** Peak RSS aims per process at 1,000 nodes and 30,000 pods (issue 14), MB. */
const AIM_RSS_MB = { apiserver: 512, 'control plane': 384, sim: 256 };
const MB = 1024 * 1024;

const ms = (n: number) => (Number.isFinite(n) ? fmt(n, n < 10 ? 1 : 0) : '-');
const secs = (n: number) => (Number.isFinite(n) ? fmt(n, 1) : '-');
const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');

function summaryRow(r: RunResult): string[] {
  const complete = r.running >= r.pods;
  const startupP99 = `${complete ? '' : '>= '}${ms(r.startupP99Ms)}`;
  const mutP99 = r.mutating.p99Seconds * 1000;
  return [
    `${fmt(r.nodes)} nodes, ${fmt(r.pods)} pods`,
    r.cp,
    r.sim,
    `${fmt(r.bindPerSec)} (${mark(r.bindPerSec >= AIM_BIND_PER_SEC)})`,
    ms(r.startupP50Ms),
    `${startupP99} (${mark(complete && r.startupP99Ms <= SLO_STARTUP_P99_MS)})`,
    `${ms(mutP99)} (${mark(mutP99 <= SLO_MUTATING_P99_S * 1000)})`,
    fmt(r.mutating.count),
    complete ? 'done' : `${r.outcome}: ${fmt(r.running)} Running`,
  ];
}

function phaseRow(r: RunResult): string[] {
  return [
    `${fmt(r.nodes)}/${fmt(r.pods)}`,
    r.cp,
    r.sim,
    r.owner,
    secs(r.registerSeconds),
    secs(r.ownersCreatedS),
    `${secs(r.lastSeenS)} (${fmt(r.createPerSec)}/s)`,
    secs(r.lastBoundS),
    secs(r.lastRunningS),
    ms(r.scheduleP99Ms),
    `${ms(r.bindingP50Ms)} / ${ms(r.bindingP99Ms)}`,
    fmt(r.cpMaxInFlight),
    secs(r.mainCpuSeconds),
    r.cpCpuSeconds === undefined ? '(in main)' : secs(r.cpCpuSeconds),
    r.simCpuSeconds === undefined ? '(in main)' : secs(r.simCpuSeconds),
    fmt(((r.mainCpuSeconds + (r.cpCpuSeconds ?? 0) + (r.simCpuSeconds ?? 0)) * 1000) / Math.max(1, r.running), 1),
    fmt(r.loadAvg, 1),
  ];
}

function memoryRows(r: RunResult): string[][] {
  const rows: string[][] = [];
  const inMain = ['apiserver', ...(r.cp === 'inproc' ? ['control plane'] : []), ...(r.sim === 'inproc' ? ['sim'] : [])];
  const row = (what: string, m: MemoryFigures | undefined, aim: number | undefined) => {
    if (!m) return;
    const perPod = (bytes: number) => fmt(bytes / 1024 / Math.max(1, r.running), 1);
    rows.push([
      `${fmt(r.nodes)}/${fmt(r.pods)}`,
      what,
      `${fmt(m.peakRss / MB)}${aim === undefined ? '' : ` (aim ${aim}: ${mark(m.peakRss / MB <= aim)})`}`,
      fmt(m.peakHeapUsed / MB),
      `${fmt(m.startHeap / MB)} -> ${fmt(m.endHeap / MB)}`,
      `${fmt(m.startRss / MB)} -> ${fmt(m.endRss / MB)}`,
      perPod(m.endHeap - m.startHeap),
      perPod(m.peakRss - m.startRss),
    ]);
  };
  row(inMain.join(' + '), r.mainMemory, inMain.length === 1 ? AIM_RSS_MB.apiserver : undefined);
  row('control plane', r.cpMemory, AIM_RSS_MB['control plane']);
  row('sim', r.simMemory, AIM_RSS_MB.sim);
  return rows;
}

/** V8's biggest spaces, committed/used MB: old space's gap is fragmentation and room the heap grew into. */
function spaceSizes(spaces: Record<string, { size: number; used: number }> | undefined): string {
  const big = Object.entries(spaces ?? {}).filter(([, v]) => v.size >= 4 * MB).sort((a, b) => b[1].size - a[1].size);
  return big.map(([k, v]) => `${k.replace(/_space$/, '')} ${fmt(v.size / MB)}/${fmt(v.used / MB)}`).join(', ');
}

/** Where each process's RSS was when the workload ended (./scheduling/rss-breakdown.ts). */
function rssRows(r: RunResult): string[][] {
  const rows: string[][] = [];
  const row = (what: string, m: MemoryFigures | undefined) => {
    const b = m?.endBreakdown;
    if (!m || !b) return;
    const mb = (n: number) => fmt(n / MB);
    rows.push([`${fmt(r.nodes)}/${fmt(r.pods)}`, what, `${fmt(m.fullGcs)} (${fmt(m.fullGcMs / 1000, 1)} s)`, mb(b.rss), mb(b.heapTotal), `${mb(b.external)} / ${mb(b.arrayBuffers)} (peak ${mb(m.peakExternal)})`, mb(b.fileBacked), mb(b.mallocMain), `${mb(b.mallocThreadArenas)} (${b.threadArenas})`, mb(b.otherAnonymous), spaceSizes(b.spaces)]);
  };
  row(r.cp === 'inproc' || r.sim === 'inproc' ? 'apiserver + more' : 'apiserver', r.mainMemory);
  row('control plane', r.cpMemory);
  row('sim', r.simMemory);
  return rows;
}

export async function benchScheduling(opts: SchedulingOptions = {}): Promise<void> {
  // Compiled, as bin/kubets.js runs kubets (./scheduling/compiled.ts).
  if (!COMPILED && !process.env.KUBETS_FROM_SOURCE) return runCompiled(opts);
  // The apiserver's process, as `kubets server` starts it (server/heap-growth.ts).
  tuneHeapGrowth();
  const nodes = opts.nodes ?? 1000;
  const pods = opts.pods ?? 10_000;
  const fullSim = opts.sim ?? 'child';
  const fullCp = opts.cp ?? 'child';
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const plan: { nodes: number; pods: number; sim: SimMode; cp: ControlPlaneMode; timeoutMs: number }[] = [];
  const small = { nodes: Math.min(100, nodes), pods: Math.min(1000, pods) };
  const smallTimeout = (opts.timeoutSeconds ?? 120) * 1000;
  if (opts.small !== false && (small.nodes !== nodes || small.pods !== pods)) {
    plan.push(
      { ...small, sim: 'inproc', cp: 'inproc', timeoutMs: smallTimeout },
      { ...small, sim: 'child', cp: 'inproc', timeoutMs: smallTimeout },
      { ...small, sim: 'child', cp: 'child', timeoutMs: smallTimeout },
    );
  }
  plan.push({ nodes, pods, sim: fullSim, cp: fullCp, timeoutMs: (opts.timeoutSeconds ?? 300) * 1000 });
  const results: RunResult[] = [];
  for (const p of plan) {
    progress(`bench/scheduling: ${p.nodes} nodes, ${p.pods} pods, ${p.sim} sim, ${p.cp} control plane (at most ${p.timeoutMs / 1000} s)`);
    try {
      results.push(await measureRun({ ...p, progress }));
    } catch (e) {
      progress(`  run failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!results.length) return;
  printTable(
    `bench/scheduling: pods as ${results[0].owner}s of 100 replicas on simulated nodes, apiserver (sqlite) in this process on loopback, controller-manager + scheduler ("control plane") and sim in it or in child processes (${results[0].owner === 'ReplicaSet' ? 'deployment controller not registered: ReplicaSets' : 'Deployment -> ReplicaSet -> Pod'})`,
    ['run', 'control plane', 'sim', `bound pods/s (aim >= ${AIM_BIND_PER_SEC})`, 'startup p50 ms', `startup p99 ms (SLO <= ${SLO_STARTUP_P99_MS})`, `mutating p99 ms (SLO <= ${SLO_MUTATING_P99_S * 1000})`, 'mutating calls', 'outcome'],
    results.map(summaryRow),
  );
  printTable(
    'bench/scheduling: where the time went (seconds from the first create, this process\'s clock)',
    ['nodes/pods', 'control plane', 'sim', 'owner', 'nodes register s', 'owners created s', 'last pod seen s (rate)', 'last bound s', 'last Running s', 'seen->bound p99 ms', 'binding call p50/p99 ms', 'max calls in flight', 'main CPU s', 'control plane CPU s', 'sim CPU s', 'all CPU ms per pod', 'host load (1m)'],
    results.map(phaseRow),
  );
  printTable(
    'bench/scheduling: memory per process (MB; live heap = heap used after a full GC, at the first create and once every pod ran; per pod = growth / pods Running)',
    ['nodes/pods', 'process', 'peak RSS MB', 'peak heap used MB', 'live heap MB start -> end', 'RSS MB start -> end', 'live heap KB per pod', 'peak RSS KB per pod'],
    results.flatMap(memoryRows),
  );
  printTable(
    'bench/scheduling: full GCs, and where the RSS was when the workload ended (MB; smaps Rss by mapping; V8 heap pages are part of "other anonymous")',
    ['nodes/pods', 'process', 'full GCs in the workload (pause)', 'RSS', 'V8 heapTotal', 'external / arrayBuffers', 'file-backed', 'malloc main arena', 'malloc thread arenas (count)', 'other anonymous', 'V8 spaces committed/used'],
    results.flatMap(rssRows),
  );
  for (const r of results) {
    printTable(
      `bench/scheduling: requests the apiserver served per pod, ${fmt(r.nodes)} nodes / ${fmt(r.pods)} pods (${r.cp} control plane, ${r.sim} sim), busiest first`,
      ['verb resource', 'requests', 'per pod'],
      r.calls.slice(0, 12).map(([k, n]) => [k, fmt(n), fmt(n / Math.max(1, r.running), 2)]),
    );
  }
  console.log(
    '\nstartup = first sight of the pod in this process\'s watch -> first sight of phase Running (client clocks;' +
      ' creationTimestamp has 1 s resolution). bound pods/s = bindings between the first and last spec.nodeName seen.' +
      ' mutating p99 = POST/PUT/PATCH/DELETE from /metrics apiserver_request_duration_seconds bucket deltas, interpolated.' +
      ' main CPU counts from the first create; a child\'s CPU is its whole life (start and informer sync included).' +
      ' Peak RSS and heap are sampled every 250 ms over a process\'s life: this process runs every run in turn, so its peak is the highest so far.' +
      ' BENCH_HEAP_SNAPSHOT=DIR writes a heap snapshot of each process once every pod ran.',
  );
}
