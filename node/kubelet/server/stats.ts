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
