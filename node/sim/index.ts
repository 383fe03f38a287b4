// startSimulatedNodes: N nodes that exist only as API objects, like KWOK. Each registers its
// Node, renews its Lease every 10 s, posts a status heartbeat every minute, and plays the life
// of every pod bound to it: Running right away (IPs from the node's /24), Succeeded or Failed
// after a while for pods meant to exit, and the final delete of a gracefully deleted pod.

import type { Pod } from '../../api/core/pod/types.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Client, Clock, InformerFactory, Log, ResourceRef } from '../../client/types.ts';
import { buildLease, buildNode, DEFAULT_CAPACITY, healthyConditions, LEASE_NAMESPACE, microTime, nodeSubnet, type NodeCapacity } from './node.ts';
import { exitAfterMs, exitCode, exitedStatus, runningStatus } from './pod.ts';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };

export const LEASE_RENEW_MS = 10_000;
export const STATUS_HEARTBEAT_MS = 60_000;

export interface SimulatedNodesOptions {
  client: Client;
  informers: InformerFactory;
  count: number;
  namePrefix?: string;
  /** Index of the first node (several sim processes can share a cluster). */
  startIndex?: number;
  capacity?: NodeCapacity;
  log: Log;
  clock: Clock;
}

export interface SimulatedNodes {
  readonly names: string[];
  /** Resolves once every Node and Lease is registered. */
  ready: Promise<void>;
  /** Stops heartbeats and pod handling; the nodes stay (and go NotReady later). */
  stop(): void;
}

interface SimNode {
  name: string;
  hostIP: string;
  prefix: string;
  uid?: string;
  freeIPs: number[];
  lease?: KubeObject;
}

interface SimPod {
  node: SimNode;
  ip: number;
  startedAt?: string;
  exitTimer?: { cancel(): void };
  finished: boolean;
  deleting: boolean;
}

type Timer = { cancel(): void };

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function startSimulatedNodes(opts: SimulatedNodesOptions): SimulatedNodes {
  const { client, clock, log } = opts;
  const prefix = opts.namePrefix ?? 'sim-node-';
  const start = opts.startIndex ?? 0;
  const nodes = new Map<string, SimNode>();
  const pods = new Map<string, SimPod>();
  const timers = new Set<Timer>();
  let stopped = false;

  for (let i = 0; i < opts.count; i++) {
    const index = start + i;
    const { prefix: p } = nodeSubnet(index);
    const name = `${prefix}${index}`;
    nodes.set(name, { name, hostIP: `${p}.1`, prefix: p, freeIPs: Array.from({ length: 253 }, (_, k) => k + 2) });
  }

  function every(ms: number, firstMs: number, fn: () => Promise<void>): void {
    const arm = (delay: number) => {
      if (stopped) return;
      const t = clock.setTimeout(() => {
        timers.delete(t);
        void fn().finally(() => arm(ms));
      }, delay);
      timers.add(t);
    };
    arm(firstMs);
  }

  async function register(n: SimNode, index: number): Promise<void> {
    const now = clock.now();
    let node: KubeObject;
    try {
      node = await client.create(NODES, '', buildNode(n.name, index, now, opts.capacity ?? DEFAULT_CAPACITY));
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
      // Already registered (a restart): take it over with fresh status.
      const fresh = buildNode(n.name, index, now, opts.capacity ?? DEFAULT_CAPACITY);
      node = await client.patch(NODES, '', n.name, 'merge', { metadata: { labels: fresh.metadata?.labels }, status: fresh.status }, { subresource: 'status' });
    }
    n.uid = node.metadata?.uid;
    await renewLease(n);
  }

  async function renewLease(n: SimNode): Promise<void> {
    const now = clock.now();
    try {
      if (n.lease) {
        const spec = { ...(n.lease.spec as Record<string, unknown>), renewTime: microTime(now) };
        n.lease = await client.update(LEASES, LEASE_NAMESPACE, { ...n.lease, spec });
        return;
      }
      n.lease = await client.create(LEASES, LEASE_NAMESPACE, buildLease(n.name, n.uid, now));
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 409) n.lease = await client.get(LEASES, LEASE_NAMESPACE, n.name).catch(() => undefined);
      else if (code === 404) n.lease = undefined;
      else log.warn('renewing node lease failed', { node: n.name, err: errMessage(err) });
    }
  }

  async function heartbeat(n: SimNode): Promise<void> {
    try {
      const current = await client.get<KubeObject>(NODES, '', n.name);
      const conds = ((current.status as { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> } | undefined)?.conditions) ?? [];
      const ready = conds.find((c) => c.type === 'Ready');
      const since = ready?.status === 'True' && ready.lastTransitionTime ? new Date(ready.lastTransitionTime) : clock.now();
      await client.patch(NODES, '', n.name, 'merge', { status: { conditions: healthyConditions(clock.now(), since) } }, { subresource: 'status' });
    } catch (err) {
      log.warn('node status heartbeat failed', { node: n.name, err: errMessage(err) });
    }
  }

  async function writeStatus(pod: Pod, status: Record<string, unknown>): Promise<boolean> {
    try {
      await client.patch(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', 'merge', { status }, { subresource: 'status' });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code !== 404) log.warn('updating pod status failed', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, err: errMessage(err) });
      return false;
    }
  }

  const keyOf = (p: Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

  function release(key: string): void {
    const sp = pods.get(key);
    if (!sp) return;
    sp.exitTimer?.cancel();
    if (sp.exitTimer) timers.delete(sp.exitTimer);
    if (sp.ip > 0) sp.node.freeIPs.push(sp.ip);
    pods.delete(key);
  }

  async function finalize(pod: Pod, sp: SimPod): Promise<void> {
    sp.deleting = true;
    try {
      await client.delete(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 404 && code !== 409) {
        sp.deleting = false;
        log.warn('finalizing pod deletion failed; retrying in 1 s', { pod: keyOf(pod), err: errMessage(err) });
        // No later event may come for this pod: retry on our own, as a kubelet's pod worker does.
        const t = clock.setTimeout(() => {
          timers.delete(t);
          if (!stopped && !sp.deleting && pods.get(keyOf(pod)) === sp) void finalize(pod, sp);
        }, 1000);
        timers.add(t);
      }
    }
  }

  function scheduleExit(pod: Pod, sp: SimPod, afterMs: number): void {
    const t = clock.setTimeout(() => {
      timers.delete(t);
      sp.exitTimer = undefined;
      if (stopped || sp.deleting) return;
      sp.finished = true;
      void writeStatus(pod, exitedStatus(pod, sp.node.hostIP, `${sp.node.prefix}.${sp.ip}`, sp.startedAt ?? '', clock.now(), exitCode(pod)));
    }, afterMs);
    sp.exitTimer = t;
    timers.add(t);
  }

  function onPod(pod: Pod): void {
    if (stopped) return;
    const node = nodes.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const key = keyOf(pod);
    let sp = pods.get(key);
    const phase = pod.status?.phase;
    if (pod.metadata?.deletionTimestamp) {
      if (!sp) pods.set(key, (sp = { node, ip: 0, finished: true, deleting: false }));
      if (!sp.deleting) void finalize(pod, sp);
      return;
    }
    if (sp) return;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    // Adopt a pod already running here (a restart) or start a new one.
    const known = typeof pod.status?.podIP === 'string' && pod.status.podIP.startsWith(`${node.prefix}.`) ? Number(pod.status.podIP.split('.')[3]) : 0;
    let ip = known;
    if (ip > 0) node.freeIPs = node.freeIPs.filter((x) => x !== ip);
    else ip = node.freeIPs.shift() ?? 0;
    sp = { node, ip, finished: false, deleting: false };
    pods.set(key, sp);
    const entry = sp;
    if (phase === 'Running') {
      entry.startedAt = typeof pod.status?.startTime === 'string' ? pod.status.startTime : undefined;
    } else {
      const status = runningStatus(pod, node.hostIP, `${node.prefix}.${ip}`, clock.now());
      entry.startedAt = status.startTime as string;
      void writeStatus(pod, status);
    }
    const after = exitAfterMs(pod);
    if (after !== undefined) scheduleExit(pod, entry, after);
  }

  const podInformer = opts.informers.informer<Pod>(PODS);
  podInformer.addEventHandler({
    add: onPod,
    update: (_old, pod) => onPod(pod),
    delete: (pod) => release(keyOf(pod)),
  });
  opts.informers.start();

  const ready = (async () => {
    const list = [...nodes.values()];
    for (let i = 0; i < list.length; i += 50) {
      await Promise.all(list.slice(i, i + 50).map((n, k) => register(n, start + i + k)));
    }
    if (stopped) return;
    list.forEach((n, i) => {
      // Spread renewals and heartbeats over their periods so N nodes do not write at once.
      const lag = (i * 997) % LEASE_RENEW_MS;
      every(LEASE_RENEW_MS, lag, () => renewLease(n));
      every(STATUS_HEARTBEAT_MS, (i * 7919) % STATUS_HEARTBEAT_MS, () => heartbeat(n));
    });
    log.info('simulated nodes registered', { count: list.length, first: list[0]?.name });
  })();

  return {
    names: [...nodes.keys()],
    ready,
    stop() {
      stopped = true;
      for (const t of timers) t.cancel();
      timers.clear();
    },
  };
}
