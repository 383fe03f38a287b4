// startSimulatedNodes: N nodes that exist only as API objects, like KWOK. Each registers its
// Node and Lease, renews the Lease every 10 s and posts Node status when it changes or every
// 5 min, as a kubelet does, and plays the life of every pod bound to it: Running right away (IPs
// from the node's /24), Succeeded or Failed after a while for pods meant to exit, and the final
// delete of a gracefully deleted pod.
//
// Cheap at 1,000 nodes: one pod informer for all of them that hears only bound pods, one timer
// per node, no reads on the heartbeat path (the Node informer is what the status is compared
// against), and status patches that carry only what changed.

import type { Pod } from '../../api/core/pod/types.ts';
import type { KubeObject } from '../../api/types.ts';
import { createInformerFactory, dropsManagedFields } from '../../client/informer.ts';
import type { Client, Clock, InformerFactory, Log, ResourceRef, WatchOptions } from '../../client/types.ts';
import { heartbeatNode, LEASE_RENEW_JITTER, LEASE_RENEW_MS, nodeHeartbeat, type HeartbeatNode } from '../common/heartbeat.ts';
import { statusDiff, type JsonObject } from '../common/status-patch.ts';
import { buildNode, DEFAULT_CAPACITY, nodeSubnet, type NodeCapacity } from './node.ts';
import { exitAfterMs, exitCode, exitedStatus, runningStatus, simPodView } from './pod.ts';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };

export { LEASE_RENEW_JITTER, LEASE_RENEW_MS, NODE_STATUS_REPORT_MS } from '../common/heartbeat.ts';
/** Nodes registered at once. */
export const REGISTER_CONCURRENCY = 32;

export interface SimulatedNodesOptions {
  client: Client;
  /** Where the Node informer comes from (the sim compares its status with it). */
  informers: InformerFactory;
  /**
   * Where the pods come from. By default the sim's own informer over `client` that lists and
   * watches only bound pods (fieldSelector spec.nodeName!=), as each kubelet watches only its
   * own, and keeps of each only what the sim reads (simPodView).
   */
  podInformers?: InformerFactory;
  count: number;
  namePrefix?: string;
  /** Index of the first node (several sim processes can share a cluster). */
  startIndex?: number;
  capacity?: NodeCapacity;
  log: Log;
  clock: Clock;
  /** [0, 1): spreads the nodes' renewals over the period and jitters each wait. Math.random by default. */
  random?: () => number;
}

export interface SimulatedNodes {
  readonly names: string[];
  /** Resolves once every Node and Lease is registered. */
  ready: Promise<void>;
  /** Stops heartbeats and pod handling; the nodes stay (and go NotReady later). */
  stop(): void;
}

interface SimNode extends HeartbeatNode {
  index: number;
  hostIP: string;
  prefix: string;
  freeIPs: number[];
}

interface SimPod {
  node: SimNode;
  ip: number;
  /** The latest Pod seen (watch event or our own patch's answer): what the next patch diffs against. */
  pod: Pod;
  startedAt?: string;
  exitTimer?: Timer;
  finished: boolean;
  deleting: boolean;
}

type Timer = { cancel(): void };

/**
 * A delay in whole 10 ms: Node.js keeps one timer list per distinct delay, so 1,000 nodes with
 * random delays would make 1,000 lists in its priority queue; rounded, they share 41.
 */
function roundedDelay(ms: number): number {
  return Math.round(ms / 10) * 10;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A view of `client` whose pod lists and watches ask only for bound pods. */
export function boundPodsClient(client: Client): Client {
  const bound = <O extends WatchOptions>(r: ResourceRef, o: O): O => {
    if (r.group !== '' || r.plural !== 'pods') return o;
    return { ...o, fieldSelector: o.fieldSelector ? `${o.fieldSelector},spec.nodeName!=` : 'spec.nodeName!=' };
  };
  return {
    get: (r, ns, name, o) => client.get(r, ns, name, o),
    list: (r, ns, o) => client.list(r, ns, bound(r, o ?? {})),
    create: (r, ns, obj, o) => client.create(r, ns, obj, o),
    update: (r, ns, obj, o) => client.update(r, ns, obj, o),
    patch: (r, ns, name, type, patch, o) => client.patch(r, ns, name, type, patch, o),
    delete: (r, ns, name, o) => client.delete(r, ns, name, o),
    watch: (r, ns, o, onEvent) => client.watch(r, ns, bound(r, o), onEvent),
  };
}

export function startSimulatedNodes(opts: SimulatedNodesOptions): SimulatedNodes {
  const { client, clock, log } = opts;
  const random = opts.random ?? Math.random;
  const prefix = opts.namePrefix ?? 'sim-node-';
  const start = opts.startIndex ?? 0;
  const capacity = opts.capacity ?? DEFAULT_CAPACITY;
  const nodes = new Map<string, SimNode>();
  const pods = new Map<string, SimPod>();
  const timers = new Set<Timer>();
  let stopped = false;

  for (let i = 0; i < opts.count; i++) {
    const index = start + i;
    const { prefix: p } = nodeSubnet(index);
    const name = `${prefix}${index}`;
    nodes.set(name, { ...heartbeatNode(name), index, hostIP: `${p}.1`, prefix: p, freeIPs: Array.from({ length: 253 }, (_, k) => k + 2) });
  }

  function after(ms: number, fn: () => void): Timer {
    if (stopped) return { cancel() {} };
    const t = clock.setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
    return t;
  }

  const heartbeat = nodeHeartbeat({ client, clock, log, nodes: opts.informers.informer<KubeObject>(NODES).lister });

  async function register(n: SimNode): Promise<void> {
    await heartbeat.register(n, buildNode(n.name, n.index, clock.now(), capacity));
    // Kubelets start at different times: spread the nodes over one renew period.
    after(roundedDelay(random() * LEASE_RENEW_MS), () => void tick(n));
  }

  /** The kubelet's two 10 s loops in one: renew the Lease, then post Node status if due. */
  async function tick(n: SimNode): Promise<void> {
    await heartbeat.renewLease(n);
    if (!stopped) await heartbeat.syncNodeStatus(n);
    after(roundedDelay(LEASE_RENEW_MS * (1 + LEASE_RENEW_JITTER * random())), () => void tick(n));
  }

  const podKey = (p: Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

  /** Sends what changed between the pod's status and `wanted` laid over it, as a kubelet's status manager does. */
  async function writeStatus(sp: SimPod, wanted: Record<string, unknown>): Promise<void> {
    const pod = sp.pod;
    const current = (pod.status ?? {}) as JsonObject;
    const diff = statusDiff(current, { ...current, ...(wanted as JsonObject) });
    if (!diff) return;
    try {
      // The uid makes the patch fail on a namesake pod created after ours was deleted.
      const patch = { metadata: { uid: pod.metadata?.uid }, status: diff };
      // The answer's managedFields are not decoded: simPodView drops them.
      const patched = await client.patch<Pod>(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', 'strategic', patch, { subresource: 'status', omitManagedFields: true });
      // When the watch brought this very version first, share the informer's copy: a second
      // copy per pod would be kept until the pod's next event, for a running pod never.
      const seen = podInformer.lister.get(patched.metadata?.namespace ?? '', patched.metadata?.name ?? '');
      sp.pod = seen && seen.metadata?.resourceVersion === patched.metadata?.resourceVersion ? seen : simPodView(patched);
    } catch (err) {
      if ((err as { code?: number }).code !== 404) log.warn('updating pod status failed', { pod: podKey(pod), err: errMessage(err) });
    }
  }

  function release(key: string): void {
    const sp = pods.get(key);
    if (!sp) return;
    sp.exitTimer?.cancel();
    if (sp.exitTimer) timers.delete(sp.exitTimer);
    if (sp.ip > 0) sp.node.freeIPs.push(sp.ip);
    pods.delete(key);
  }

  async function finalize(sp: SimPod): Promise<void> {
    const pod = sp.pod;
    sp.deleting = true;
    try {
      await client.delete(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 404 && code !== 409) {
        sp.deleting = false;
        log.warn('finalizing pod deletion failed; retrying in 1 s', { pod: podKey(pod), err: errMessage(err) });
        // No later event may come for this pod: retry on our own, as a kubelet's pod worker does.
        after(1000, () => {
          if (!sp.deleting && pods.get(podKey(pod)) === sp) void finalize(sp);
        });
      }
    }
  }

  function scheduleExit(sp: SimPod, afterMs: number): void {
    sp.exitTimer = after(afterMs, () => {
      sp.exitTimer = undefined;
      if (sp.deleting) return;
      sp.finished = true;
      const { node, pod } = sp;
      void writeStatus(sp, exitedStatus(pod, node.hostIP, `${node.prefix}.${sp.ip}`, sp.startedAt ?? '', clock.now(), exitCode(pod)));
    });
  }

  function onPod(pod: Pod): void {
    if (stopped) return;
    const node = nodes.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const key = podKey(pod);
    let sp = pods.get(key);
    if (sp) sp.pod = pod;
    if (pod.metadata?.deletionTimestamp) {
      if (!sp) pods.set(key, (sp = { node, ip: 0, pod, finished: true, deleting: false }));
      if (!sp.deleting) void finalize(sp);
      return;
    }
    const phase = pod.status?.phase;
    if (sp || phase === 'Succeeded' || phase === 'Failed') return;
    // Adopt a pod already running here (a restart) or start a new one.
    const known = typeof pod.status?.podIP === 'string' && pod.status.podIP.startsWith(`${node.prefix}.`) ? Number(pod.status.podIP.split('.')[3]) : 0;
    let ip = known;
    if (ip > 0) node.freeIPs = node.freeIPs.filter((x) => x !== ip);
    else ip = node.freeIPs.shift() ?? 0;
    const entry: SimPod = { node, ip, pod, finished: false, deleting: false };
    pods.set(key, entry);
    if (phase === 'Running') {
      entry.startedAt = typeof pod.status?.startTime === 'string' ? pod.status.startTime : undefined;
    } else {
      const status = runningStatus(pod, node.hostIP, `${node.prefix}.${ip}`, clock.now());
      entry.startedAt = status.startTime as string;
      void writeStatus(entry, status);
    }
    const exitMs = exitAfterMs(pod);
    if (exitMs !== undefined) scheduleExit(entry, exitMs);
  }

  const podInformers = opts.podInformers ?? createInformerFactory(boundPodsClient(client), { log, clock, transform: dropsManagedFields((o) => simPodView(o as Pod)) });
  const podInformer = podInformers.informer<Pod>(PODS);
  podInformer.addEventHandler({
    add: onPod,
    update: (_old, pod) => onPod(pod),
    delete: (pod) => release(podKey(pod)),
  });
  opts.informers.start();
  podInformers.start();

  const ready = (async () => {
    const list = [...nodes.values()];
    let next = 0;
    // A pool rather than batches: one slow registration does not hold up the rest.
    const worker = async () => {
      while (next < list.length && !stopped) await register(list[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(REGISTER_CONCURRENCY, list.length) }, worker));
    if (!stopped) log.info('simulated nodes registered', { count: list.length, first: list[0]?.name });
  })();

  return {
    names: [...nodes.keys()],
    ready,
    stop() {
      stopped = true;
      for (const t of timers) t.cancel();
      timers.clear();
      if (!opts.podInformers) podInformers.stop();
    },
  };
}
