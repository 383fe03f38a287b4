// startScheduler: informers feed the cache (bound pods, nodes) and the queue (our pending
// pods); one loop pops a pod, runs the framework synchronously (cheap filters over a sample of
// nodes), assumes the pod on the chosen node and binds asynchronously, so the next cycle does
// not wait for the apiserver. Failures become FailedScheduling events and the PodScheduled
// condition. This runtime is the one scheduler file allowed past 300 lines if it grows.

import { rfc3339 } from '../../api/meta/time.ts';
import type { KubeObject } from '../../api/types.ts';
import { createEventRecorder } from '../../client/events.ts';
import type { Client, Clock, InformerFactory, Log, ResourceRef } from '../../client/types.ts';
import { SchedulerCache } from './cache.ts';
import { FitError, Framework } from './framework.ts';
import { defaultPlugins } from './plugins/registry.ts';
import { NAME as VOLUME_BINDING, PVCS, PVS, STORAGE_CLASSES } from './plugins/volume-binding/index.ts';
import { SchedulingQueue, type QueuedPodInfo } from './queue.ts';
import { newPodInfo, podKey, sameStrings, updatePodInfo } from './resources.ts';
import { PREEMPTION_BY_SCHEDULER } from './plugins/default-preemption/index.ts';
import { CycleState, type Node, type Nomination, type Plugin, type Pod, type PodInfo } from './types.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };

/** What the scheduler needs of an event recorder (client/'s recorder satisfies it). */
export interface EventRecorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface SchedulerOptions {
  client: Client;
  informers: InformerFactory;
  log: Log;
  clock: Clock;
  schedulerName?: string;
  /** client/'s event recorder by default. */
  recorder?: EventRecorder;
  plugins?: Plugin[];
  weights?: Record<string, number>;
  percentageOfNodesToScore?: number;
  /** Bindings written concurrently before the loop waits; default 256. */
  maxBindingsInFlight?: number;
}

export interface Scheduler {
  stop(): void;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  /** Resolves when no binding is in flight (tests). */
  idle(): Promise<void>;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function nodeRelevant(n: Node): string {
  return JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable]);
}

export function startScheduler(opts: SchedulerOptions): Scheduler {
  const { client, clock } = opts;
  const log = opts.log;
  const name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const recorder: EventRecorder = opts.recorder ?? createEventRecorder({ client, component: name, clock, log });
  const defaults = opts.plugins ? { plugins: opts.plugins, weights: opts.weights ?? {} } : defaultPlugins([], { client, informers: opts.informers });
  const fw = new Framework({ plugins: defaults.plugins, weights: defaults.weights, percentageOfNodesToScore: opts.percentageOfNodesToScore });
  const cache = new SchedulerCache();
  const queue = new SchedulingQueue({ clock, eventMayHelp: (r, ev) => fw.eventMayHelp(r, ev) });
  const podInformer = opts.informers.informer<Pod>(PODS);
  const nodeInformer = opts.informers.informer<Node>(NODES);
  const maxInFlight = opts.maxBindingsInFlight ?? 256;
  let stopped = false;
  let inFlight = 0;
  let slotWaiters: Array<() => void> = [];

  // Pods nominated to a node by preemption, until bound or gone: others of lower priority must
  // leave them the room (upstream's nominator).
  const nominated = new Map<string, PodInfo[]>();
  const nominatedOn = new Map<string, string>();
  function unnominate(key: string): void {
    const node = nominatedOn.get(key);
    if (node === undefined) return;
    nominatedOn.delete(key);
    const left = (nominated.get(node) ?? []).filter((q) => q.key !== key);
    if (left.length) nominated.set(node, left);
    else nominated.delete(node);
  }
  function nominate(info: PodInfo, node: string | undefined): void {
    if (nominatedOn.get(info.key) === node && node !== undefined) return;
    unnominate(info.key);
    if (!node) return;
    nominatedOn.set(info.key, node);
    nominated.set(node, [...(nominated.get(node) ?? []), info]);
  }
  const nominationOf = (p: Pod) => (p.status?.nominatedNodeName as string | undefined) || undefined;

  const responsible = (p: Pod) => (p.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === name;
  const pending = (p: Pod) => !p.spec?.nodeName && !p.metadata?.deletionTimestamp && !isTerminal(p) && responsible(p);

  nodeInformer.addEventHandler({
    add(n) {
      cache.setNode(n);
      queue.moveAllOnEvent({ resource: 'Node', action: 'Add' });
    },
    update(old, n) {
      cache.setNode(n);
      if (nodeRelevant(old) !== nodeRelevant(n)) queue.moveAllOnEvent({ resource: 'Node', action: 'Update' });
    },
    delete(n) {
      cache.removeNode(n.metadata?.name ?? '');
    },
  });

  // Claims, volumes and classes coming and going may let a pod VolumeBinding rejected fit.
  if (defaults.plugins.some((p) => p.name === VOLUME_BINDING)) {
    for (const [r, resource] of [[PVCS, 'PersistentVolumeClaim'], [PVS, 'PersistentVolume'], [STORAGE_CLASSES, 'StorageClass']] as const) {
      opts.informers.informer(r).addEventHandler({
        add: () => queue.moveAllOnEvent({ resource, action: 'Add' }),
        update: () => queue.moveAllOnEvent({ resource, action: 'Update' }),
      });
    }
  }

  podInformer.addEventHandler({
    add(p) {
      if (p.spec?.nodeName) {
        if (isTerminal(p)) return;
        cache.setPod(p);
        queue.moveAllOnEvent({ resource: 'Pod', action: 'Add' });
      } else if (pending(p)) {
        queue.add(p);
        if (nominationOf(p)) nominate(newPodInfo(p), nominationOf(p));
      }
    },
    update(old, p) {
      const key = podKey(p);
      if (p.spec?.nodeName || !pending(p)) unnominate(key);
      else if (nominationOf(p) !== nominatedOn.get(key)) nominate(newPodInfo(p), nominationOf(p));
      if (p.spec?.nodeName) {
        queue.delete(key);
        if (isTerminal(p)) {
          if (cache.has(key)) {
            cache.removePod(key);
            queue.moveAllOnEvent({ resource: 'Pod', action: 'Delete' });
          }
          return;
        }
        // A pod that just got its node is, to the cluster, an assigned pod added (upstream's
        // assigned-pod informer sees an Add): pods parked by affinity or spread may now fit.
        const justBound = !old.spec?.nodeName;
        const labelsChanged = !sameStrings(old.metadata?.labels, p.metadata?.labels);
        cache.setPod(p);
        if (justBound) queue.moveAllOnEvent({ resource: 'Pod', action: 'Add' });
        else if (labelsChanged) queue.moveAllOnEvent({ resource: 'Pod', action: 'Update' });
      } else if (pending(p)) queue.update(p);
      else queue.delete(key);
    },
    delete(p) {
      const key = podKey(p);
      unnominate(key);
      queue.delete(key);
      if (cache.has(key)) {
        cache.removePod(key);
        queue.moveAllOnEvent({ resource: 'Pod', action: 'Delete' });
      }
    },
  });

  /** FailedScheduling, the PodScheduled condition and (after a preemption) status.nominatedNodeName. */
  async function recordFailure(pod: Pod, message: string, nominatedNodeName?: string): Promise<void> {
    recorder.event(pod, 'Warning', 'FailedScheduling', message);
    const ns = pod.metadata?.namespace ?? '';
    const podName = pod.metadata?.name ?? '';
    const current = podInformer.lister.get(ns, podName) ?? pod;
    const conditions = ((current.status?.conditions as Array<Record<string, unknown>> | undefined) ?? []).slice();
    const i = conditions.findIndex((c) => c.type === 'PodScheduled');
    const prev = i >= 0 ? conditions[i] : undefined;
    const newNomination = nominatedNodeName !== undefined && current.status?.nominatedNodeName !== nominatedNodeName;
    if (!newNomination && prev && prev.status === 'False' && prev.reason === 'Unschedulable' && prev.message === message) return;
    const cond = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: prev?.status === 'False' ? prev.lastTransitionTime : rfc3339(clock.now()),
    };
    if (i >= 0) conditions[i] = cond;
    else conditions.push(cond);
    try {
      await client.patch(PODS, ns, podName, 'merge', { status: { conditions, ...(newNomination && { nominatedNodeName }) } }, { subresource: 'status' });
    } catch (err) {
      log.debug('updating PodScheduled condition failed', { pod: `${ns}/${podName}`, err: (err as Error).message });
    }
  }

  /** Preemption's eviction, as upstream's: each victim marked DisruptionTarget, deleted, and told why (a Preempted event). */
  async function preempt(pod: Pod, n: Nomination): Promise<void> {
    const message = `${pod.spec?.schedulerName ?? name}: preempting to accommodate a higher priority pod`;
    await Promise.all(
      n.victims.map(async ({ pod: victim }) => {
        const ns = victim.metadata?.namespace ?? '';
        const victimName = victim.metadata?.name ?? '';
        const cond = { type: 'DisruptionTarget', status: 'True', reason: PREEMPTION_BY_SCHEDULER, message, lastTransitionTime: rfc3339(clock.now()) };
        try {
          await client.patch(PODS, ns, victimName, 'strategic', { status: { conditions: [cond] } }, { subresource: 'status' });
          await client.delete(PODS, ns, victimName);
        } catch (err) {
          if ((err as { code?: number }).code !== 404) log.warn('preempting a pod failed', { pod: `${ns}/${victimName}`, preemptor: podKey(pod), err: (err as Error).message });
          return;
        }
        recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata?.uid ?? ''} on node ${n.nodeName}`);
      }),
    );
  }

  function releaseSlot(): void {
    inFlight--;
    const w = slotWaiters;
    slotWaiters = [];
    for (const f of w) f();
  }

  async function bind(q: QueuedPodInfo, nodeName: string, state: CycleState): Promise<void> {
    const pod = q.info.pod;
    const ns = pod.metadata?.namespace ?? '';
    const podName = pod.metadata?.name ?? '';
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: podName, namespace: ns, uid: pod.metadata?.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    try {
      const pre = await fw.runPreBind(state, q.info, nodeName);
      if (pre.code !== 'Success') throw Object.assign(new Error(`running PreBind plugin "${pre.plugin}": ${pre.reasons.join(', ')}`), { preBind: true });
      await client.create(PODS, ns, binding, { subresource: 'binding', name: podName });
      recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${podName} to ${nodeName}`);
      log.debug('bound pod', { pod: `${ns}/${podName}`, node: nodeName });
    } catch (err) {
      cache.forget(q.info.key);
      fw.runUnreserve(state, q.info, nodeName);
      const code = (err as { code?: number }).code;
      if (code === 404 || code === 409) {
        log.debug('binding dropped', { pod: `${ns}/${podName}`, err: (err as Error).message });
        return;
      }
      log.warn('binding failed', { pod: `${ns}/${podName}`, node: nodeName, err: (err as Error).message });
      const preBind = (err as { preBind?: boolean }).preBind === true;
      recorder.event(pod, 'Warning', 'FailedScheduling', preBind ? (err as Error).message : `Binding rejected: ${(err as Error).message}`);
      if (!stopped) queue.addBackoff(q);
    } finally {
      releaseSlot();
    }
  }

  /** One scheduling cycle for one pod; synchronous up to the binding. */
  function scheduleOne(q: QueuedPodInfo): void {
    const key = q.info.key;
    const ns = q.info.pod.metadata?.namespace ?? '';
    const live = podInformer.lister.get(ns, q.info.pod.metadata?.name ?? '');
    if (!live || !pending(live) || cache.has(key)) {
      queue.done(key);
      return;
    }
    if (live !== q.info.pod) q.info = updatePodInfo(q.info, live);
    const state = new CycleState();
    let nodeName: string;
    try {
      nodeName = fw.schedulePod(state, q.info, cache, nominated).nodeName;
    } catch (err) {
      if (err instanceof FitError) {
        const message = err.numAllNodes === 0 ? 'no nodes available to schedule pods' : err.message;
        log.debug('unschedulable', { pod: key, message });
        queue.addUnschedulable(q, err.unschedulablePlugins);
        void recordFailure(q.info.pod, message, err.nominated?.nodeName);
        if (err.nominated) {
          nominate(q.info, err.nominated.nodeName);
          log.debug('preempting', { pod: key, node: err.nominated.nodeName, victims: err.nominated.victims.map((v) => v.key) });
          void preempt(q.info.pod, err.nominated);
        }
      } else {
        log.error('scheduling cycle failed', { pod: key, err: (err as Error).message });
        queue.addBackoff(q);
        recorder.event(q.info.pod, 'Warning', 'FailedScheduling', (err as Error).message);
      }
      return;
    }
    cache.assume(q.info, nodeName);
    const reserved = fw.runReserve(state, q.info, nodeName);
    if (reserved.code !== 'Success') {
      cache.forget(key);
      queue.addBackoff(q);
      recorder.event(q.info.pod, 'Warning', 'FailedScheduling', reserved.reasons.join(', '));
      return;
    }
    queue.done(key);
    inFlight++;
    void bind(q, nodeName, state);
  }

  async function loop(): Promise<void> {
    let sliceStart = performance.now();
    while (!stopped) {
      while (inFlight >= maxInFlight && !stopped) await new Promise<void>((r) => slotWaiters.push(r));
      const q = await queue.pop();
      if (!q || stopped) break;
      scheduleOne(q);
      // Let informer events and binding responses in between cycles, but not after every pod:
      // in a busy process each yield waits behind everything else on the event loop.
      if (performance.now() - sliceStart > 10) {
        await new Promise<void>((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
  }

  opts.informers.start();
  // Stopped before the informers synced (a lost lease, a shutdown): nothing to schedule.
  void opts.informers.waitForSync().then(
    () => {
      if (!stopped) void loop();
    },
    (e: unknown) => {
      if (!stopped) opts.log.error('informers did not sync; scheduler not started', { err: e });
    },
  );

  return {
    cache,
    queue,
    stop() {
      stopped = true;
      queue.close();
      for (const f of slotWaiters.splice(0)) f();
    },
    async idle() {
      while (inFlight > 0) await new Promise<void>((r) => slotWaiters.push(r));
    },
  };
}
