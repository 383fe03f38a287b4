// /stats/summary (stats/v1alpha1 Summary): the node's CPU and memory from /proc, each ready
// pod's containers from CRI ListContainerStats. CPU rates (usageNanoCores) come from the
// runtime when it gives them, else from the change in cumulative usage since the last call.

import { readFile } from 'node:fs/promises';
import type { RuntimeService } from '../../cri/types.ts';

export interface CpuStats {
  time: string;
  usageNanoCores: number;
  usageCoreNanoSeconds: number;
}
export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
}

const USER_HZ = 100;

export function parseProcStat(text: string): number {
  const cpu = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!cpu) return 0;
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  const busy = f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0) - (f[8] ?? 0) - (f[9] ?? 0);
  return (busy * 1e9) / USER_HZ;
}

export function parseMeminfo(text: string): { total: number; available: number } {
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { total: kb('MemTotal'), available: kb('MemAvailable') };
}

/** Turns cumulative CPU nanoseconds into a rate, per key, between calls. */
export class RateTracker {
  private last = new Map<string, { t: number; v: number }>();
  rate(key: string, cumulative: number, nowMs: number): number {
    const prev = this.last.get(key);
    this.last.set(key, { t: nowMs, v: cumulative });
    if (!prev || nowMs <= prev.t || cumulative < prev.v) return 0;
    return Math.round(((cumulative - prev.v) / (nowMs - prev.t)) * 1000);
  }
}

export interface SummaryDeps {
  nodeName: string;
  startTime: Date;
  runtime: RuntimeService;
  rates: RateTracker;
  now(): Date;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function summary(d: SummaryDeps): Promise<Record<string, unknown>> {
  const now = d.now();
  const time = iso(now);
  const [stat, mem] = await Promise.all([readFile('/proc/stat', 'utf8').catch(() => ''), readFile('/proc/meminfo', 'utf8').catch(() => '')]);
  const cpuNs = parseProcStat(stat);
  const m = parseMeminfo(mem);
  const used = Math.max(0, m.total - m.available);
  const node = {
    nodeName: d.nodeName,
    startTime: iso(d.startTime),
    cpu: { time, usageNanoCores: d.rates.rate('node', cpuNs, now.getTime()), usageCoreNanoSeconds: Math.round(cpuNs) } satisfies CpuStats,
    memory: { time, availableBytes: m.available, usageBytes: used, workingSetBytes: used, rssBytes: used, pageFaults: 0, majorPageFaults: 0 } satisfies MemoryStats,
    systemContainers: [],
  };
  const sandboxes = (await d.runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' } })).filter((s) => s.labels['io.kubernetes.pod.name']);
  const stats = await d.runtime.listContainerStats({});
  const containers = await d.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' } });
  const pods = sandboxes.map((s) => {
    const cs = containers.filter((c) => c.podSandboxId === s.id).map((c) => {
      const st = stats.find((x) => x.attributes?.id === c.id);
      const cum = st?.cpu?.usageCoreNanoSeconds?.value ?? 0;
      const nano = st?.cpu?.usageNanoCores?.value || d.rates.rate(c.id, cum, now.getTime());
      const ws = st?.memory?.workingSetBytes?.value ?? 0;
      return {
        name: c.metadata.name,
        startTime: iso(new Date(Math.floor(c.createdAt / 1e6))),
        cpu: { time, usageNanoCores: nano, usageCoreNanoSeconds: cum },
        memory: { time, usageBytes: st?.memory?.usageBytes?.value ?? ws, workingSetBytes: ws, rssBytes: st?.memory?.rssBytes?.value ?? 0, pageFaults: 0, majorPageFaults: 0 },
      };
    });
    const sum = (f: (c: (typeof cs)[number]) => number) => cs.reduce((a, c) => a + f(c), 0);
    return {
      podRef: { name: s.metadata.name, namespace: s.metadata.namespace, uid: s.metadata.uid },
      startTime: iso(new Date(Math.floor(s.createdAt / 1e6))),
      containers: cs,
      cpu: { time, usageNanoCores: sum((c) => c.cpu.usageNanoCores), usageCoreNanoSeconds: sum((c) => c.cpu.usageCoreNanoSeconds) },
      memory: { time, usageBytes: sum((c) => c.memory.usageBytes), workingSetBytes: sum((c) => c.memory.workingSetBytes), rssBytes: sum((c) => c.memory.rssBytes), pageFaults: 0, majorPageFaults: 0 },
    };
  });
  return { node, pods };
}

type Summary = Awaited<ReturnType<typeof summary>>;
type SummaryPod = { podRef: { name: string; namespace: string }; startTime: string; cpu: CpuStats; memory: { workingSetBytes: number }; containers: { name: string; startTime: string; cpu: CpuStats; memory: { workingSetBytes: number } }[] };

/**
 * /metrics/resource: the same numbers in the Prometheus text format upstream's kubelet serves
 * there (what metrics-server scrapes): cumulative CPU seconds and working sets of the node,
 * each pod and container, with the sample time in milliseconds.
 */
export function resourceMetrics(s: Summary): string {
  const node = s.node as { cpu: CpuStats; memory: MemoryStats };
  const pods = s.pods as SummaryPod[];
  const ms = (t: string) => Date.parse(t);
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const out: string[] = [];
  const family = (name: string, type: string, help: string, rows: [string, number, string][]) => {
    out.push(`# HELP ${name} [STABLE] ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v, t] of rows) out.push(`${name}${labels} ${v} ${ms(t)}`);
  };
  const podLabels = (p: SummaryPod) => `namespace="${esc(p.podRef.namespace)}",pod="${esc(p.podRef.name)}"`;
  const containers = pods.flatMap((p) => p.containers.map((c) => ({ c, labels: `{container="${esc(c.name)}",${podLabels(p)}}` })));
  family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds', containers.map(({ c, labels }) => [labels, c.cpu.usageCoreNanoSeconds / 1e9, c.cpu.time]));
  family('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes', containers.map(({ c, labels }) => [labels, c.memory.workingSetBytes, c.cpu.time]));
  family('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds', containers.map(({ c, labels }) => [labels, ms(c.startTime) / 1000, c.startTime]));
  family('node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds', [['', node.cpu.usageCoreNanoSeconds / 1e9, node.cpu.time]]);
  family('node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes', [['', node.memory.workingSetBytes, node.memory.time]]);
  family('pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds', pods.map((p) => [`{${podLabels(p)}}`, p.cpu.usageCoreNanoSeconds / 1e9, p.cpu.time]));
  family('pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes', pods.map((p) => [`{${podLabels(p)}}`, p.memory.workingSetBytes, p.cpu.time]));
  out.push('# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise', '# TYPE resource_scrape_error gauge', 'resource_scrape_error 0');
  return `${out.join('\n')}\n`;
}
