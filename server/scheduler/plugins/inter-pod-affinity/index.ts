// InterPodAffinity: required pod affinity and anti-affinity by topologyKey (the incoming pod's
// terms, and existing pods' anti-affinity against it) filter nodes; preferred terms (both
// ways) score them. Skipped when neither the pod nor any existing pod has affinity terms.

import { labelSelectorFromObject, type LabelSelector, type Selector } from '../../../../api/meta/labels.ts';
import {
  MAX_NODE_SCORE, scoreRange, SKIP, SUCCESS, unresolvable, unschedulable,
  type ClusterEvent, type CycleState, type FilterPlugin, type NodeInfo, type NodeSnapshot, type Pod, type PodInfo,
  type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type Status,
} from '../../types.ts';

export const NAME = 'InterPodAffinity';
export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
const FILTER_KEY = 'PreFilter' + NAME;
const SCORE_KEY = 'PreScore' + NAME;

interface RawTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
}
interface RawWeighted {
  weight: number;
  podAffinityTerm: RawTerm;
}
interface RawAffinity {
  podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: RawTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: RawWeighted[] };
  podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: RawTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: RawWeighted[] };
}

export interface Term {
  selector: Selector;
  /** undefined: every namespace (an empty namespaceSelector). */
  namespaces: Set<string> | undefined;
  topologyKey: string;
  weight: number;
}

/** A term as it applies: its namespaces default to the owning pod's. */
export function compileTerm(raw: RawTerm, ownerNamespace: string, weight = 1): Term {
  const nsSel = raw.namespaceSelector;
  const all = nsSel !== undefined && !nsSel.matchLabels && !(nsSel.matchExpressions?.length);
  const namespaces = all ? undefined : new Set(raw.namespaces?.length ? raw.namespaces : [ownerNamespace]);
  return { selector: labelSelectorFromObject(raw.labelSelector ?? null), namespaces, topologyKey: raw.topologyKey, weight };
}

export function termMatches(term: Term, pod: Pod): boolean {
  if (term.namespaces && !term.namespaces.has(pod.metadata?.namespace ?? '')) return false;
  return term.selector.matches(pod.metadata?.labels);
}

export interface PodTerms {
  affinity: Term[];
  antiAffinity: Term[];
  preferredAffinity: Term[];
  preferredAntiAffinity: Term[];
}

export function podTerms(pod: Pod): PodTerms {
  const a = pod.spec?.affinity as RawAffinity | undefined;
  const ns = pod.metadata?.namespace ?? '';
  const req = (ts?: RawTerm[]) => (ts ?? []).map((t) => compileTerm(t, ns));
  const pref = (ts?: RawWeighted[]) => (ts ?? []).map((t) => compileTerm(t.podAffinityTerm, ns, t.weight));
  return {
    affinity: req(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    antiAffinity: req(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: pref(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: pref(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

const pair = (key: string, value: string) => `${key}\u0000${value}`;

/** Counts per topology pair, computed once per cycle over every node. */
export interface AffinityState {
  terms: PodTerms;
  /** Existing pods whose required anti-affinity matches the incoming pod. */
  existingAnti: Map<string, number>;
  /** Per affinity term index: pods matching it. */
  affinity: Array<Map<string, number>>;
  antiAffinity: Array<Map<string, number>>;
  anyAffinityMatch: boolean;
}

export function computeState(pod: PodInfo, nodes: NodeInfo[]): AffinityState {
  const terms = podTerms(pod.pod);
  const st: AffinityState = {
    terms,
    existingAnti: new Map(),
    affinity: terms.affinity.map(() => new Map()),
    antiAffinity: terms.antiAffinity.map(() => new Map()),
    anyAffinityMatch: false,
  };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const mine = terms.affinity.length + terms.antiAffinity.length > 0;
  for (const node of nodes) {
    if (!mine && node.podsWithAffinity === 0) continue;
    for (const existing of node.pods.values()) {
      if (existing.hasAffinity) {
        for (const t of podTerms(existing.pod).antiAffinity) {
          const v = node.labels[t.topologyKey];
          if (v !== undefined && termMatches(t, pod.pod)) bump(st.existingAnti, pair(t.topologyKey, v));
        }
      }
      terms.affinity.forEach((t, i) => {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, existing.pod)) {
          bump(st.affinity[i], pair(t.topologyKey, v));
          st.anyAffinityMatch = true;
        }
      });
      terms.antiAffinity.forEach((t, i) => {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, existing.pod)) bump(st.antiAffinity[i], pair(t.topologyKey, v));
      });
    }
  }
  return st;
}

/** The Filter verdict for one node given the cycle's counts. */
export function check(st: AffinityState, pod: Pod, node: NodeInfo): Status {
  for (const [k, n] of st.existingAnti) {
    if (n > 0) {
      const [key, value] = k.split('\u0000');
      if (node.labels[key] === value) return unschedulable(ERR_EXISTING_ANTI_AFFINITY);
    }
  }
  const aff = st.terms.affinity;
  if (aff.length) {
    const ok = aff.every((t, i) => {
      const v = node.labels[t.topologyKey];
      return v !== undefined && (st.affinity[i].get(pair(t.topologyKey, v)) ?? 0) > 0;
    });
    // The first pod of a group that selects itself may go anywhere the keys exist.
    const selfMatch = !st.anyAffinityMatch && aff.every((t) => termMatches(t, pod) && node.labels[t.topologyKey] !== undefined);
    if (!ok && !selfMatch) return unresolvable(ERR_AFFINITY);
  }
  for (let i = 0; i < st.terms.antiAffinity.length; i++) {
    const t = st.terms.antiAffinity[i];
    const v = node.labels[t.topologyKey];
    if (v !== undefined && (st.antiAffinity[i].get(pair(t.topologyKey, v)) ?? 0) > 0) return unschedulable(ERR_ANTI_AFFINITY);
  }
  return SUCCESS;
}

/** Preferred-term score per topology pair (both ways; existing required affinity weighs 1). */
export function preferredScores(pod: PodInfo, nodes: NodeInfo[]): Map<string, number> {
  const terms = podTerms(pod.pod);
  const scores = new Map<string, number>();
  const add = (key: string, value: string | undefined, w: number) => {
    if (value !== undefined) scores.set(pair(key, value), (scores.get(pair(key, value)) ?? 0) + w);
  };
  for (const node of nodes) {
    for (const existing of node.pods.values()) {
      for (const t of terms.preferredAffinity) if (termMatches(t, existing.pod)) add(t.topologyKey, node.labels[t.topologyKey], t.weight);
      for (const t of terms.preferredAntiAffinity) if (termMatches(t, existing.pod)) add(t.topologyKey, node.labels[t.topologyKey], -t.weight);
      if (!existing.hasAffinity) continue;
      const et = podTerms(existing.pod);
      for (const t of et.affinity) if (termMatches(t, pod.pod)) add(t.topologyKey, node.labels[t.topologyKey], 1);
      for (const t of et.preferredAffinity) if (termMatches(t, pod.pod)) add(t.topologyKey, node.labels[t.topologyKey], t.weight);
      for (const t of et.preferredAntiAffinity) if (termMatches(t, pod.pod)) add(t.topologyKey, node.labels[t.topologyKey], -t.weight);
    }
  }
  return scores;
}

/** Neither this pod nor any pod in the cluster has affinity terms: nothing to filter or score. */
function nothingToDo(pod: PodInfo, snapshot: NodeSnapshot): boolean {
  return !pod.hasAffinity && snapshot.withAffinity().length === 0;
}

/** The nodes whose pods can matter: all of them for the pod's own terms, else those with affinity pods. */
function nodesToScan(ownTerms: boolean, snapshot: NodeSnapshot): NodeInfo[] {
  return ownTerms ? snapshot.list() : snapshot.withAffinity();
}

function hasRequiredTerms(pod: Pod): boolean {
  const a = pod.spec?.affinity as RawAffinity | undefined;
  return !!(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length || a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length);
}

function hasPreferredTerms(pod: Pod): boolean {
  const a = pod.spec?.affinity as RawAffinity | undefined;
  return !!(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length || a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length);
}

export function newInterPodAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NAME,
    preFilter(state: CycleState, pod: PodInfo, snapshot: NodeSnapshot): Status {
      if (nothingToDo(pod, snapshot)) return SKIP;
      state.write(FILTER_KEY, computeState(pod, nodesToScan(hasRequiredTerms(pod.pod), snapshot)));
      return SUCCESS;
    },
    filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
      const st = state.read<AffinityState>(FILTER_KEY);
      return st ? check(st, pod.pod, node) : SUCCESS;
    },
    preScore(state: CycleState, pod: PodInfo, _nodes: NodeInfo[], snapshot: NodeSnapshot): Status {
      if (nothingToDo(pod, snapshot)) return SKIP;
      const scores = preferredScores(pod, nodesToScan(hasPreferredTerms(pod.pod), snapshot));
      if (scores.size === 0) return SKIP;
      state.write(SCORE_KEY, scores);
      return SUCCESS;
    },
    score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
      const scores = state.read<Map<string, number>>(SCORE_KEY);
      let s = 0;
      for (const [k, w] of scores ?? []) {
        const [key, value] = k.split('\u0000');
        if (node.labels[key] === value) s += w;
      }
      return s;
    },
    normalizeScore(_state, _pod, scores: number[]): void {
      const { min, max } = scoreRange(scores);
      for (let i = 0; i < scores.length; i++) scores[i] = max === min ? 0 : Math.floor((MAX_NODE_SCORE * (scores[i] - min)) / (max - min));
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
