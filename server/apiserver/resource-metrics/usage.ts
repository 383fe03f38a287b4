// Where the numbers come from: a real node's kubelet (/stats/summary, cumulative CPU and the
// working set), turned into rates between two scrapes as metrics-server does (the first
// scrape of a node takes two samples a second apart; the window is between the times the
// kubelet stamped them); a simulated node (no kubelet) reports its running pods' requests
// as their usage, and their sum as the node's. Scrapes are kept
// for MAX_AGE_MS: `kubectl top` asked twice in a row dials each kubelet once.

import type { KubeObject } from '../../../api/types.ts';
import { parseQuantity } from '../../../api/core/pod/quantity.ts';
import { kubeletLocation, kubeletRequest, type KubeletTls } from '../streaming/kubelet.ts';

export interface ContainerUsage {
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  containers: ContainerUsage[];
}

export interface NodeUsage {
  node: string;
  /** When the sample was taken, and over how long the CPU rate was measured (ms). */
  timestamp: Date;
  windowMs: number;
  cpuNanoCores: number;
  memoryBytes: number;
  pods: PodUsage[];
}

/** One point of a kubelet's summary: cumulative CPU (ns) and working set, node and containers. */
export interface SummaryPoint {
  at: number;
  node: { cpu: number; memory: number };
  /** ns/pod/container -> cumulative CPU and working set */
  containers: Map<string, { cpu: number; memory: number; rate: number }>;
}

type Summary = {
  node?: { cpu?: { time?: string; usageCoreNanoSeconds?: number }; memory?: { workingSetBytes?: number } };
  pods?: { podRef?: { namespace?: string; name?: string }; containers?: { name?: string; cpu?: { usageCoreNanoSeconds?: number; usageNanoCores?: number }; memory?: { workingSetBytes?: number } }[] }[];
};

/**
 * `received` stands for the sample's time only when the kubelet gives none: as
 * metrics-server, rates are taken over the kubelet's own timestamps, so a slow answer does
 * not stretch or shrink the window.
 */
export function summaryPoint(s: Summary, received: number): SummaryPoint {
  const stamped = Date.parse(s.node?.cpu?.time ?? '');
  const at = Number.isFinite(stamped) ? stamped : received;
  const containers = new Map<string, { cpu: number; memory: number; rate: number }>();
  for (const p of s.pods ?? []) {
    for (const c of p.containers ?? []) {
      containers.set(`${p.podRef?.namespace}/${p.podRef?.name}/${c.name}`, { cpu: c.cpu?.usageCoreNanoSeconds ?? 0, memory: c.memory?.workingSetBytes ?? 0, rate: c.cpu?.usageNanoCores ?? 0 });
    }
  }
  return { at, node: { cpu: s.node?.cpu?.usageCoreNanoSeconds ?? 0, memory: s.node?.memory?.workingSetBytes ?? 0 }, containers };
}

const rate = (now: number, before: number, ms: number) => (ms > 0 && now >= before ? Math.round(((now - before) / ms) * 1000) : 0);

/** Usage between two points (pure); a container the earlier point lacks gets the kubelet's own rate. */
export function usageBetween(node: string, prev: SummaryPoint, cur: SummaryPoint): NodeUsage {
  const ms = cur.at - prev.at;
  const pods = new Map<string, PodUsage>();
  for (const [key, c] of cur.containers) {
    const [namespace, name, container] = key.split('/');
    const before = prev.containers.get(key);
    const pod = pods.get(`${namespace}/${name}`) ?? { namespace, name, containers: [] };
    pod.containers.push({ name: container, cpuNanoCores: before ? rate(c.cpu, before.cpu, ms) : c.rate, memoryBytes: c.memory });
    pods.set(`${namespace}/${name}`, pod);
  }
  return { node, timestamp: new Date(cur.at), windowMs: ms, cpuNanoCores: rate(cur.node.cpu, prev.node.cpu, ms), memoryBytes: cur.node.memory, pods: [...pods.values()] };
}

type PodSpec = { spec?: { nodeName?: string; containers?: { name?: string; resources?: { requests?: Record<string, string> } }[] }; status?: { phase?: string } };

/** A simulated node: its running pods' requests as usage (pure). */
export function simulatedUsage(node: string, pods: KubeObject[], at: Date): NodeUsage {
  const out: PodUsage[] = [];
  for (const p of pods as (KubeObject & PodSpec)[]) {
    if (p.spec?.nodeName !== node || p.status?.phase !== 'Running') continue;
    out.push({
      namespace: p.metadata?.namespace ?? '',
      name: p.metadata?.name ?? '',
      containers: (p.spec?.containers ?? []).map((c) => ({
        name: c.name ?? '',
        cpuNanoCores: Math.round((parseQuantity(c.resources?.requests?.cpu) ?? 0) * 1e9),
        memoryBytes: Math.round(parseQuantity(c.resources?.requests?.memory) ?? 0),
      })),
    });
  }
  const sum = (f: (c: ContainerUsage) => number) => out.reduce((a, p) => a + p.containers.reduce((b, c) => b + f(c), 0), 0);
  return { node, timestamp: at, windowMs: 30_000, cpuNanoCores: sum((c) => c.cpuNanoCores), memoryBytes: sum((c) => c.memoryBytes), pods: out };
}

const MAX_AGE_MS = 10_000;
const FIRST_GAP_MS = 1000;

export interface UsageSource {
  /** The usage of every node (those whose kubelet does not answer are left out, as metrics-server leaves them). */
  nodes(nodes: KubeObject[], pods: () => Promise<KubeObject[]>): Promise<NodeUsage[]>;
}

export function kubeletUsage(tls: () => KubeletTls, now: () => number = Date.now, onError: (node: string, e: unknown) => void = () => undefined): UsageSource {
  /** The last point of each node, and when (by this clock, not the kubelet's) it came. */
  const last = new Map<string, { point: SummaryPoint; seen: number }>();
  const served = new Map<string, { at: number; usage: Promise<NodeUsage | undefined> }>();

  async function scrape(node: KubeObject): Promise<SummaryPoint> {
    const res = await kubeletRequest(kubeletLocation(node), tls(), 'GET', '/stats/summary');
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    if (res.statusCode !== 200) throw new Error(`the kubelet answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
    return summaryPoint(JSON.parse(Buffer.concat(chunks).toString()) as Summary, now());
  }

  async function firstPoint(node: KubeObject): Promise<SummaryPoint> {
    const point = await scrape(node);
    await new Promise((r) => setTimeout(r, FIRST_GAP_MS));
    return point;
  }

  async function realNode(node: KubeObject): Promise<NodeUsage | undefined> {
    const name = node.metadata?.name ?? '';
    try {
      const seen = last.get(name);
      const prev = seen && now() - seen.seen <= 10 * MAX_AGE_MS ? seen.point : await firstPoint(node);
      const cur = await scrape(node);
      last.set(name, { point: cur, seen: now() });
      return usageBetween(name, prev, cur);
    } catch (e) {
      onError(name, e);
      return undefined;
    }
  }

  return {
    async nodes(nodes, pods) {
      const at = now();
      for (const [k, v] of served) if (at - v.at > MAX_AGE_MS || !nodes.some((n) => n.metadata?.name === k)) served.delete(k);
      let podList: Promise<KubeObject[]> | undefined;
      const out = await Promise.all(
        nodes.map((n) => {
          const name = n.metadata?.name ?? '';
          const hit = served.get(name);
          if (hit) return hit.usage;
          let simulated: boolean;
          try {
            simulated = kubeletLocation(n).simulated;
          } catch (e) {
            onError(name, e);
            return undefined;
          }
          const usage = simulated ? (podList ??= pods()).then((ps) => simulatedUsage(name, ps, new Date(at))) : realNode(n);
          served.set(name, { at, usage });
          return usage;
        }),
      );
      return out.filter((u): u is NodeUsage => !!u);
    },
  };
}
