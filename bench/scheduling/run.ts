// One measured run: P pods as Deployments (ReplicaSets when the deployment controller is not
// registered), watched from this process. Per pod, client-side clocks (performance.now) record
// when our watch first sees it, when spec.nodeName first appears, and when status.phase first
// reads Running; creationTimestamp has whole seconds only, so it is not used.

import type { KubeObject } from '../../api/types.ts';
import type { Pod } from '../../api/core/pod/types.ts';
import type { ResourceRef } from '../../client/types.ts';
import { createInformerFactory } from '../../client/informer.ts';
import { CONTROLLERS } from '../../server/controllers/definitions.ts';
import { bucketDelta, countDelta, durationBuckets, histogramQuantile, requestCounts, scrapeMetrics } from './metrics.ts';
import { startCluster, type ControlPlaneMode, type SimMode } from './cluster.ts';
import { MemorySampler, type MemoryFigures } from './memory.ts';
import { loadavg } from 'node:os';
import { percentile } from '../stats.ts';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true };
const REPLICASETS: ResourceRef = { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true };
const NAMESPACE = 'bench';
const PER_OWNER = 100;

export interface RunResult {
  nodes: number;
  pods: number;
  sim: SimMode;
  cp: ControlPlaneMode;
  owner: 'Deployment' | 'ReplicaSet';
  /** Where it stopped: 'done', or the phase it was in when the deadline hit. */
  outcome: string;
  registerSeconds: number;
  /** Seconds from the start of the workload to: owners created, last pod seen, last bound, last Running. */
  ownersCreatedS: number;
  lastSeenS: number;
  lastBoundS: number;
  lastRunningS: number;
  seen: number;
  bound: number;
  running: number;
  /** Bindings per second, first to last binding. */
  bindPerSec: number;
  /** Pods seen per second, first to last (the controllers' create rate). */
  createPerSec: number;
  startupP50Ms: number;
  startupP99Ms: number;
  /** Seen -> bound, the scheduler's share of startup. */
  scheduleP99Ms: number;
  mutating: { count: number; p99Seconds: number };
  /** Requests the apiserver served during the run, "VERB resource" -> count, largest first. */
  calls: [string, number][];
  /** CPU seconds of this process (apiserver, bench watch; controllers, scheduler and sim too when in-process). */
  mainCpuSeconds: number;
  simCpuSeconds?: number;
  cpCpuSeconds?: number;
  wallSeconds: number;
  /** The scheduler's pods/binding calls timed client-side, and the most control-plane calls in flight at once. */
  bindingP50Ms: number;
  bindingP99Ms: number;
  cpMaxInFlight: number;
  /** This host's 1-minute load average at the end (2 cores here; other work shares them). */
  loadAvg: number;
  /** This process (apiserver and the bench's pod watch; in-process parts too), and the children. */
  mainMemory: MemoryFigures;
  cpMemory?: MemoryFigures;
  simMemory?: MemoryFigures;
}

interface Times {
  seen: number;
  bound?: number;
  running?: number;
}

function timedView(o: KubeObject): KubeObject {
  const p = o as Pod;
  const m = p.metadata ?? {};
  return { metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion }, spec: { nodeName: p.spec?.nodeName }, status: { phase: p.status?.phase } } as KubeObject;
}

function owner(kind: 'Deployment' | 'ReplicaSet', name: string, replicas: number): KubeObject {
  const labels = { app: name };
  const template = {
    metadata: { labels },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: NAMESPACE }, spec: { replicas, selector: { matchLabels: labels }, template } };
}

export async function measureRun(opts: { nodes: number; pods: number; sim: SimMode; cp: ControlPlaneMode; timeoutMs: number; progress: (line: string) => void }): Promise<RunResult> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const sampler = new MemorySampler();
  const cluster = await startCluster({ nodes: opts.nodes, sim: opts.sim, cp: opts.cp, namespace: NAMESPACE, deadline });
  const tls = { ca: cluster.pki.caCert, cert: cluster.pki.adminCert, key: cluster.pki.adminKey };
  const kind = 'deployment' in CONTROLLERS ? 'Deployment' : 'ReplicaSet';
  const times = new Map<string, Times>();
  let firstBound = Infinity;
  let lastBound = 0;
  let lastSeen = 0;
  let firstSeen = Infinity;
  let lastRunning = 0;
  let bound = 0;
  let running = 0;
  let allRunning: () => void = () => {};
  const done = new Promise<void>((r) => (allRunning = r));
  const onPod = (p: Pod) => {
    const now = performance.now();
    const uid = p.metadata?.uid ?? '';
    let t = times.get(uid);
    if (!t) {
      times.set(uid, (t = { seen: now }));
      firstSeen = Math.min(firstSeen, now);
      lastSeen = now;
    }
    if (t.bound === undefined && p.spec?.nodeName) {
      t.bound = now;
      bound++;
      firstBound = Math.min(firstBound, now);
      lastBound = now;
    }
    if (t.running === undefined && p.status?.phase === 'Running') {
      t.running = now;
      running++;
      lastRunning = now;
      if (running >= opts.pods) allRunning();
    }
  };
  // The bench's watch keeps of each pod only what it times, so that the apiserver's process
  // is not charged 30,000 full pods of the bench's own.
  const informers = createInformerFactory(cluster.client, { transform: timedView });
  informers.informer<Pod>(PODS).addEventHandler({ add: onPod, update: (_o, p) => onPod(p) });
  informers.start();
  await informers.waitForSync();

  const beforeText = await scrapeMetrics(cluster.server.url, tls);
  const before = durationBuckets(beforeText);
  sampler.mark();
  cluster.mark();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const owners = Math.ceil(opts.pods / PER_OWNER);
  await Promise.all(
    Array.from({ length: owners }, (_, i) => {
      const replicas = Math.min(PER_OWNER, opts.pods - i * PER_OWNER);
      return cluster.client.create(kind === 'Deployment' ? DEPLOYMENTS : REPLICASETS, NAMESPACE, owner(kind, `bench-${i}`, replicas));
    }),
  );
  const ownersCreated = performance.now();
  const tick = setInterval(() => {
    const s = ((performance.now() - t0) / 1000).toFixed(0);
    opts.progress(`  ${opts.nodes} nodes/${opts.pods} pods (${opts.sim} sim, ${opts.cp} control plane) t=${s}s: seen ${times.size}, bound ${bound}, running ${running}`);
  }, 10_000);
  let deadlineTimer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([done.then(() => 'done'), new Promise<string>((r) => (deadlineTimer = setTimeout(() => r('deadline'), Math.max(0, deadline - Date.now()))))]);
  clearTimeout(deadlineTimer);
  clearInterval(tick);
  const cpu = process.cpuUsage(cpu0);
  const end = performance.now();
  const afterText = await scrapeMetrics(cluster.server.url, tls);
  const after = durationBuckets(afterText);
  await cluster.end();
  const mainMemory = sampler.finish('apiserver');
  informers.stop();
  const { simCpuSeconds, cpCpuSeconds, simMemory, cpMemory } = await cluster.stop();
  const bindings = (cluster.calls.byCall.get('create pods/binding') ?? []).sort((a, b) => a - b);

  const startup: number[] = [];
  const schedule: number[] = [];
  for (const t of times.values()) {
    if (t.running !== undefined) startup.push(t.running - t.seen);
    if (t.bound !== undefined) schedule.push(t.bound - t.seen);
  }
  startup.sort((a, b) => a - b);
  schedule.sort((a, b) => a - b);
  const phase = times.size < opts.pods ? 'creating pods' : bound < opts.pods ? 'scheduling' : 'starting pods';
  const m = histogramQuantile(0.99, bucketDelta(after, before));
  const sec = (x: number) => (x ? (x - t0) / 1000 : NaN);
  return {
    nodes: opts.nodes,
    pods: opts.pods,
    sim: opts.sim,
    cp: opts.cp,
    owner: kind,
    outcome: outcome === 'done' ? 'done' : `deadline while ${phase}`,
    registerSeconds: cluster.registerSeconds,
    ownersCreatedS: (ownersCreated - t0) / 1000,
    lastSeenS: sec(lastSeen),
    lastBoundS: sec(lastBound),
    lastRunningS: sec(lastRunning),
    seen: times.size,
    bound,
    running,
    bindPerSec: bound > 1 ? (bound - 1) / ((lastBound - firstBound) / 1000) : NaN,
    createPerSec: times.size > 1 ? (times.size - 1) / ((lastSeen - firstSeen) / 1000) : NaN,
    startupP50Ms: percentile(startup, 50),
    startupP99Ms: percentile(startup, 99),
    scheduleP99Ms: percentile(schedule, 99),
    mutating: { count: m.count, p99Seconds: m.seconds },
    calls: countDelta(requestCounts(afterText), requestCounts(beforeText)),
    mainCpuSeconds: (cpu.user + cpu.system) / 1e6,
    simCpuSeconds,
    cpCpuSeconds,
    wallSeconds: (end - t0) / 1000,
    bindingP50Ms: percentile(bindings, 50),
    bindingP99Ms: percentile(bindings, 99),
    cpMaxInFlight: cluster.calls.maxInFlight,
    loadAvg: loadavg()[0],
    mainMemory,
    cpMemory,
    simMemory,
  };
}
