// Builders for scheduler tests: nodes and pods with just the fields a case needs.

import type { Container } from '../../../api/core/pod/types.ts';
import { SchedulerCache } from '../cache.ts';
import { newPodInfo } from '../resources.ts';
import { CycleState, type FilterPlugin, type Node, type NodeInfo, type Pod, type PodInfo, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type Status, type Taint } from '../types.ts';

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function makeNode(name: string, o: NodeOpts = {}): Node {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { capacity: alloc, allocatable: alloc },
  };
}

export interface PodOpts {
  ns?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  spec?: Record<string, unknown>;
  containers?: Container[];
  creationTimestamp?: string;
}

export function makePod(name: string, o: PodOpts = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'default', uid: `uid-${name}`, labels: o.labels, creationTimestamp: o.creationTimestamp },
    spec: {
      schedulerName: 'default-scheduler',
      containers: o.containers ?? [{ name: 'c', image: 'busybox', resources: { requests } }],
      nodeName: o.nodeName,
      priority: o.priority,
      ...o.spec,
    },
    status: { phase: 'Pending' },
  };
}

/** A cache holding these nodes, with the pods (spec.nodeName set) counted. */
export function cacheOf(nodes: Node[], pods: Pod[] = []): SchedulerCache {
  const c = new SchedulerCache();
  for (const n of nodes) c.setNode(n);
  for (const p of pods) c.setPod(p);
  return c;
}

export function nodeInfo(node: Node, pods: Pod[] = []): NodeInfo {
  const name = node.metadata?.name ?? '';
  return cacheOf([node], pods.map((p) => ({ ...p, spec: { ...p.spec, nodeName: name } }))).get(name) as NodeInfo;
}

export function podInfo(pod: Pod): PodInfo {
  return newPodInfo(pod);
}

/** PreFilter (its status returned), then Filter on every node of the cache: node -> 'Success' or its first reason. */
export function filterVerdicts(pl: PreFilterPlugin & FilterPlugin, pod: PodInfo, cache: SchedulerCache): { preFilter: Status; verdicts: Record<string, string> } {
  const state = new CycleState();
  const preFilter = pl.preFilter(state, pod, cache);
  const verdicts = Object.fromEntries(cache.list().map((n) => {
    const s = pl.filter(state, pod, n);
    return [n.name, s.code === 'Success' ? 'Success' : s.reasons[0]];
  }));
  return { preFilter, verdicts };
}

/** PreScore (its status returned), Score on every node of the cache, then NormalizeScore. */
export function normalizedScores(pl: PreScorePlugin & ScorePlugin, pod: PodInfo, cache: SchedulerCache): { preScore: Status; scores: number[] } {
  const state = new CycleState();
  const preScore = pl.preScore(state, pod, cache.list(), cache);
  const scores = cache.list().map((n) => pl.score(state, pod, n));
  pl.normalizeScore?.(state, pod, scores);
  return { preScore, scores };
}
