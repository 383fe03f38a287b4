// bench/scheduler-micro: the scheduler alone, in-process, no apiserver. N simulated nodes and
// P pods (Deployments of 100 replicas, cpu 10m / memory 16Mi, as bench/scheduling makes them)
// go through startScheduler over a light in-memory Client + InformerFactory that binds at once
// and, like a kubelet, patches each bound pod Running. Prints CPU per scheduled pod, the
// figure that decides how many pods/s one core can schedule.
//
//   BENCH_NODES=1000 BENCH_PODS=10000 node --import=tsx bench/scheduler-micro.ts
//
// Two modes: `cycle` runs only the framework and cache (pop, schedulePod, assume, confirm),
// `scheduler` the whole startScheduler with its informer handlers, binding and events.

import type { KubeObject } from '../api/types.ts';
import type { Client, EventHandler, Informer, InformerFactory, Lister, ResourceRef } from '../client/types.ts';
import { systemClock } from '../client/clock.ts';
import { buildNode } from '../node/sim/node.ts';
import { runningStatus } from '../node/sim/pod.ts';
import { silentLogger } from '../server/log.ts';
import { SchedulerCache } from '../server/scheduler/cache.ts';
import { Framework } from '../server/scheduler/framework.ts';
import { defaultPlugins } from '../server/scheduler/plugins/registry.ts';
import { newPodInfo } from '../server/scheduler/resources.ts';
import { NODES, PODS, startScheduler, type EventRecorder } from '../server/scheduler/scheduler.ts';
import { CycleState, type Node, type Pod } from '../server/scheduler/types.ts';

const REPLICAS = 100;

function makePods(count: number): Pod[] {
  const pods: Pod[] = [];
  for (let i = 0; i < count; i++) {
    const d = Math.floor(i / REPLICAS);
    const app = `bench-${d}`;
    const hash = `5d8f${(d * 7919).toString(16).padStart(6, '0')}`;
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${app}-${hash}-${(i % REPLICAS).toString(36).padStart(5, 'x')}`,
        namespace: 'default',
        uid: `uid-pod-${i}`,
        resourceVersion: String(1000 + i),
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { app, 'pod-template-hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: `uid-rs-${d}`, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        containers: [{
          name: 'pause', image: 'registry.k8s.io/pause:3.10', imagePullPolicy: 'IfNotPresent',
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
          terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
        }],
        restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'default', securityContext: {}, schedulerName: 'default-scheduler',
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority',
      },
      status: { phase: 'Pending', qosClass: 'Burstable' },
    } as Pod);
  }
  return pods;
}

function makeNodes(count: number): Node[] {
  const now = new Date();
  return Array.from({ length: count }, (_, i) => buildNode(`sim-node-${i}`, i, now) as Node);
}

/** Just enough of a cluster for startScheduler: no copies, bindings applied at once. */
class LightCluster implements InformerFactory {
  readonly stores = new Map<string, Map<string, KubeObject>>();
  readonly handlers = new Map<string, EventHandler[]>();
  bound = 0;
  running: Record<string, unknown> | undefined;
  onBound: () => void = () => {};
  #rv = 100_000;

  store(plural: string): Map<string, KubeObject> {
    let s = this.stores.get(plural);
    if (!s) this.stores.set(plural, (s = new Map()));
    return s;
  }

  emit(plural: string, type: 'add' | 'update' | 'delete', obj: KubeObject, old?: KubeObject): void {
    for (const h of this.handlers.get(plural) ?? []) {
      if (type === 'add') h.add?.(obj);
      else if (type === 'update') h.update?.(old as KubeObject, obj);
      else h.delete?.(obj);
    }
  }

  put(plural: string, obj: KubeObject): void {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const s = this.store(plural);
    const old = s.get(key);
    const next = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    s.set(key, next);
    this.emit(plural, old ? 'update' : 'add', next, old);
  }

  readonly client: Client = {
    get: async () => { throw new Error('not in this bench'); },
    list: async () => { throw new Error('not in this bench'); },
    update: async (_r, _ns, obj) => obj,
    delete: async () => {},
    watch: () => ({ stop() {}, done: Promise.resolve() }),
    patch: async (_r, _ns, _name, _type, patch) => patch as never,
    create: async (r: ResourceRef, ns: string, obj: KubeObject, opts: { subresource?: string; name?: string } = {}) => {
      if (r.plural !== 'pods' || opts.subresource !== 'binding') return obj as never;
      const name = opts.name ?? '';
      const pod = this.store('pods').get(`${ns}/${name}`) as Pod | undefined;
      if (!pod) throw Object.assign(new Error('not found'), { code: 404 });
      const nodeName = (obj as { target: { name: string } }).target.name;
      // The watch delivers the binding, then (as a kubelet would) the pod Running, later.
      setImmediate(() => {
        this.put('pods', { ...pod, spec: { ...pod.spec, nodeName } });
        this.bound++;
        setImmediate(() => {
          const cur = this.store('pods').get(`${ns}/${name}`) as Pod;
          // One status for every pod: building it is the kubelet's cost, not the scheduler's.
          this.running ??= runningStatus(cur, '10.0.0.1', '10.244.0.2', new Date());
          this.put('pods', { ...cur, status: { ...cur.status, ...this.running } });
          this.onBound();
        });
      });
      return obj as never;
    },
  };

  informer<T extends KubeObject = KubeObject>(r: ResourceRef): Informer<T> {
    const store = this.store(r.plural);
    let hs = this.handlers.get(r.plural);
    if (!hs) this.handlers.set(r.plural, (hs = []));
    const handlers = hs;
    const lister: Lister<T> = {
      get: (ns, name) => store.get(`${ns}/${name}`) as T | undefined,
      list: () => [...store.values()] as T[],
      byIndex: () => [],
    };
    return {
      addEventHandler: (h) => {
        handlers.push(h as EventHandler);
        for (const o of store.values()) h.add?.(o as T);
      },
      addIndex: () => {},
      lister,
      hasSynced: () => true,
    };
  }

  start(): void {}
  async waitForSync(): Promise<void> {}
  stop(): void {}
}

interface Result {
  mode: string;
  nodes: number;
  pods: number;
  scheduled: number;
  cpuMs: number;
  wallMs: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The framework and cache only: what one scheduling cycle costs. */
function runCycles(nodeCount: number, podCount: number): Result {
  const { plugins, weights } = defaultPlugins();
  const fw = new Framework({ plugins, weights });
  const cache = new SchedulerCache();
  for (const n of makeNodes(nodeCount)) cache.setNode(n);
  const pods = makePods(podCount);
  const c0 = cpuMs();
  const t0 = performance.now();
  let scheduled = 0;
  for (const pod of pods) {
    const info = newPodInfo(pod);
    const { nodeName } = fw.schedulePod(new CycleState(), info, cache);
    cache.assume(info, nodeName);
    // The informer confirms the binding.
    cache.setPod({ ...pod, spec: { ...pod.spec, nodeName } });
    scheduled++;
  }
  return { mode: 'cycle', nodes: nodeCount, pods: podCount, scheduled, cpuMs: cpuMs() - c0, wallMs: performance.now() - t0 };
}

/** startScheduler over the light cluster: every pod pending at once, done when all run. */
async function runScheduler(nodeCount: number, podCount: number): Promise<Result> {
  const cluster = new LightCluster();
  for (const n of makeNodes(nodeCount)) cluster.put('nodes', n);
  let events = 0;
  const recorder: EventRecorder = { event: () => void events++ };
  const c0 = cpuMs();
  const t0 = performance.now();
  const s = startScheduler({ client: cluster.client, informers: cluster, log: silentLogger, clock: systemClock, recorder });
  const done = new Promise<void>((resolve) => {
    cluster.onBound = () => {
      if (cluster.bound >= podCount) resolve();
    };
  });
  for (const p of makePods(podCount)) cluster.put('pods', p);
  await done;
  const r = { mode: 'scheduler', nodes: nodeCount, pods: podCount, scheduled: cluster.bound, cpuMs: cpuMs() - c0, wallMs: performance.now() - t0 };
  s.stop();
  if (events < podCount) throw new Error(`only ${events} Scheduled events for ${podCount} pods`);
  return r;
}

const nodes = Number(process.env.BENCH_NODES) || 1000;
const podCount = Number(process.env.BENCH_PODS) || 10_000;
/** On a shared machine one run is noisy: repeat and read the best and the median. */
const repeat = Number(process.env.BENCH_REPEAT) || 1;
const modes = process.argv.slice(2).length ? process.argv.slice(2) : ['cycle', 'scheduler'];
for (const mode of modes) {
  const perPod: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const r = mode === 'cycle' ? runCycles(nodes, podCount) : await runScheduler(nodes, podCount);
    perPod.push(r.cpuMs / r.scheduled);
    console.log(
      `${r.mode.padEnd(9)} ${String(r.nodes).padStart(5)} nodes ${String(r.scheduled).padStart(6)} pods: ` +
        `${perPod[i].toFixed(3)} CPU ms/pod (${Math.round(1000 / perPod[i])} pods per CPU-s), ${(r.wallMs / 1000).toFixed(1)} s wall, ${Math.round((r.scheduled * 1000) / r.wallMs)} pods/s`,
    );
  }
  if (repeat > 1) {
    const sorted = [...perPod].sort((a, b) => a - b);
    console.log(`${mode.padEnd(9)} ${String(nodes).padStart(5)} nodes: best ${sorted[0].toFixed(3)}, median ${sorted[Math.floor(sorted.length / 2)].toFixed(3)} CPU ms/pod over ${repeat} runs`);
  }
}
