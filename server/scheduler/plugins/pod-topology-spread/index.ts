// PodTopologySpread: DoNotSchedule constraints keep the skew (matching pods in a domain, plus
// this pod, minus the least-loaded domain) within maxSkew; ScheduleAnyway constraints prefer
// nodes in less-loaded domains. Only nodes matching the pod's nodeSelector/affinity count as
// domains (nodeAffinityPolicy Honor, the default); matchLabelKeys narrow the selector.
// A pod with no constraints of its own, controlled by a ReplicaSet, ReplicationController or
// StatefulSet, gets upstream's system default for scoring: ScheduleAnyway, maxSkew 3 over
// kubernetes.io/hostname, counting its controller's pods (kept per node by the cache).
// Upstream's default selector also folds in the selectors of Services that select the pod, and
// adds a zone constraint (maxSkew 5): neither is done here.

import { labelSelectorFromObject, makeSelector, type LabelSelector, type Selector } from '../../../../api/meta/labels.ts';
import {
  MAX_NODE_SCORE, scoreRange, SKIP, SUCCESS, unresolvable, unschedulable,
  type ClusterEvent, type CycleState, type FilterPlugin, type NodeInfo, type NodeSnapshot, type Pod, type PodInfo,
  type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type Status,
} from '../../types.ts';
import { fits as nodeAffinityFits } from '../node-affinity/index.ts';

export const NAME = 'PodTopologySpread';
export const ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const FILTER_KEY = 'PreFilter' + NAME;
const SCORE_KEY = 'PreScore' + NAME;
const DEFAULT_KEY = 'PreScoreDefault' + NAME;
const DEFAULT_HOSTNAME_MAX_SKEW = 3;

/** The system default constraint's scoring state: whose pods count, and the topology weight. */
interface DefaultState {
  owner: string;
  weight: number;
}

interface RawConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: string;
  matchLabelKeys?: string[];
}

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorAffinity: boolean;
}

export function constraintsOf(pod: Pod, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const raw = (pod.spec?.topologySpreadConstraints as RawConstraint[] | undefined) ?? [];
  const labels = pod.metadata?.labels ?? {};
  return raw.filter((c) => c.whenUnsatisfiable === when).map((c) => {
    let selector = labelSelectorFromObject(c.labelSelector ?? null);
    const extra = (c.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'in' as const, values: [labels[k]] }));
    if (extra.length) selector = makeSelector([...selector.requirements, ...extra]);
    return { maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, minDomains: c.minDomains ?? 1, honorAffinity: c.nodeAffinityPolicy !== 'Ignore' };
  });
}

/** Matching pods per domain value, for each constraint. */
export function countDomains(pod: Pod, constraints: Constraint[], nodes: NodeInfo[]): Array<Map<string, number>> {
  const ns = pod.metadata?.namespace ?? '';
  return constraints.map((c) => {
    const counts = new Map<string, number>();
    for (const node of nodes) {
      const v = node.labels[c.topologyKey];
      if (v === undefined) continue;
      if (c.honorAffinity && !nodeAffinityFits(pod, node.node)) continue;
      let n = 0;
      for (const p of node.pods.values()) {
        if (p.pod.metadata?.namespace === ns && !p.pod.metadata?.deletionTimestamp && c.selector.matches(p.pod.metadata?.labels)) n++;
      }
      counts.set(v, (counts.get(v) ?? 0) + n);
    }
    return counts;
  });
}

interface FilterState {
  constraints: Constraint[];
  counts: Array<Map<string, number>>;
  minima: number[];
}

/** The Filter verdict for one node. */
export function check(st: FilterState, pod: Pod, node: NodeInfo): Status {
  for (let i = 0; i < st.constraints.length; i++) {
    const c = st.constraints[i];
    const v = node.labels[c.topologyKey];
    if (v === undefined) return unresolvable(ERR_MISSING_LABEL);
    const self = c.selector.matches(pod.metadata?.labels) ? 1 : 0;
    const skew = (st.counts[i].get(v) ?? 0) + self - st.minima[i];
    if (skew > c.maxSkew) return unschedulable(ERR_CONSTRAINTS);
  }
  return SUCCESS;
}

function minimum(counts: Map<string, number>, minDomains: number): number {
  if (counts.size < minDomains) return 0;
  let m = Infinity;
  for (const n of counts.values()) m = Math.min(m, n);
  return m === Infinity ? 0 : m;
}

export function newPodTopologySpread(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NAME,
    preFilter(state: CycleState, pod: PodInfo, snapshot: NodeSnapshot): Status {
      const constraints = constraintsOf(pod.pod, 'DoNotSchedule');
      if (constraints.length === 0) return SKIP;
      const counts = countDomains(pod.pod, constraints, snapshot.list());
      state.write(FILTER_KEY, { constraints, counts, minima: counts.map((m, i) => minimum(m, constraints[i].minDomains)) } satisfies FilterState);
      return SUCCESS;
    },
    filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
      const st = state.read<FilterState>(FILTER_KEY);
      return st ? check(st, pod.pod, node) : SUCCESS;
    },
    preScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[], snapshot: NodeSnapshot): Status {
      const constraints = constraintsOf(pod.pod, 'ScheduleAnyway');
      if (constraints.length === 0) {
        const own = (pod.pod.spec?.topologySpreadConstraints as unknown[] | undefined)?.length ?? 0;
        if (own > 0 || !pod.spreadOwner) return SKIP;
        state.write(DEFAULT_KEY, { owner: pod.spreadOwner, weight: Math.log(nodes.length + 2) } satisfies DefaultState);
        return SUCCESS;
      }
      const counts = countDomains(pod.pod, constraints, snapshot.list());
      state.write(SCORE_KEY, { constraints, counts, weights: counts.map((m) => Math.log(m.size + 2)) });
      return SUCCESS;
    },
    score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
      const def = state.read<DefaultState>(DEFAULT_KEY);
      if (def) return ((node.podsByOwner.get(def.owner) ?? 0) + DEFAULT_HOSTNAME_MAX_SKEW - 1) * def.weight;
      const st = state.read<{ constraints: Constraint[]; counts: Array<Map<string, number>>; weights: number[] }>(SCORE_KEY);
      if (!st) return 0;
      let s = 0;
      st.constraints.forEach((c, i) => {
        const v = node.labels[c.topologyKey];
        if (v !== undefined) s += ((st.counts[i].get(v) ?? 0) + c.maxSkew - 1) * st.weights[i];
      });
      return s;
    },
    normalizeScore(_state, _pod, scores: number[]): void {
      // Fewer matching pods in the node's domains is better.
      const { min, max } = scoreRange(scores);
      for (let i = 0; i < scores.length; i++) scores[i] = max === min ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (max - scores[i])) / (max - min));
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Pod', action: 'Add' },
      { resource: 'Pod', action: 'Update' },
      { resource: 'Pod', action: 'Delete' },
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'Update' },
    ],
  };
}
