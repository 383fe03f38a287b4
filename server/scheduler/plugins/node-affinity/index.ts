// NodeAffinity: spec.nodeSelector and requiredDuringScheduling node affinity must both match
// (terms are ORed, expressions within a term ANDed); preferred terms add their weight to the
// score, normalized to 0..100.

import {
  MAX_NODE_SCORE, SUCCESS, unresolvable,
  SKIP,
  type ClusterEvent, type CycleState, type FilterPlugin, type Node, type NodeInfo, type Pod, type PodInfo, type PreFilterPlugin, type PreScorePlugin,
  type ScorePlugin, type Status,
} from '../../types.ts';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}
export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}
interface NodeAffinitySpec {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

function requirementMatches(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  const v = values[r.key];
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && vals.includes(v);
    case 'NotIn':
      return !has || !vals.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || vals.length !== 1 || !/^-?\d+$/.test(v) || !/^-?\d+$/.test(vals[0])) return false;
      return r.operator === 'Gt' ? Number(v) > Number(vals[0]) : Number(v) < Number(vals[0]);
    }
    default:
      return false;
  }
}

/** One term: every expression and field matches; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  if (!exprs.every((r) => requirementMatches(r, labels))) return false;
  const fieldValues = { 'metadata.name': node.metadata?.name ?? '' };
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, fieldValues));
}

function affinityOf(pod: Pod): NodeAffinitySpec | undefined {
  return (pod.spec?.affinity as { nodeAffinity?: NodeAffinitySpec } | undefined)?.nodeAffinity;
}

/** Both nodeSelector and the required node affinity match (upstream's RequiredNodeAffinity). */
export function fits(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = affinityOf(pod)?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => termMatches(t, node));
}

/** Sum of the weights of the preferred terms the node matches. */
export function preferredScore(terms: PreferredSchedulingTerm[], node: Node): number {
  let s = 0;
  for (const t of terms) if (t.weight && termMatches(t.preference, node)) s += t.weight;
  return s;
}

/** upstream's DefaultNormalizeScore: scale to the maximum, optionally reversed. */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? MAX_NODE_SCORE : 0;
    else {
      const v = Math.floor((scores[i] * MAX_NODE_SCORE) / max);
      scores[i] = reverse ? MAX_NODE_SCORE - v : v;
    }
  }
}

const STATE_KEY = 'PreScore' + NAME;

/** Whether the pod constrains nodes at all (a nodeSelector or required node affinity). */
export function hasRequired(pod: Pod): boolean {
  return pod.spec?.nodeSelector !== undefined || affinityOf(pod)?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;
}

export function newNodeAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NAME,
    // As upstream: nothing required, nothing for Filter to do on any node.
    preFilter(_state, pod: PodInfo): Status {
      return hasRequired(pod.pod) ? SUCCESS : SKIP;
    },
    filter(_state, pod: PodInfo, node: NodeInfo): Status {
      return fits(pod.pod, node.node) ? SUCCESS : unresolvable(ERR_REASON_POD);
    },
    preScore(state: CycleState, pod: PodInfo): Status {
      const preferred = affinityOf(pod.pod)?.preferredDuringSchedulingIgnoredDuringExecution;
      // Nothing preferred: every node would score 0.
      if (!preferred?.length) return SKIP;
      state.write(STATE_KEY, preferred);
      return SUCCESS;
    },
    score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
      const terms = state.read<PreferredSchedulingTerm[]>(STATE_KEY) ?? affinityOf(pod.pod)?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      return terms.length ? preferredScore(terms, node.node) : 0;
    },
    normalizeScore(_state, _pod, scores: number[]): void {
      defaultNormalize(scores, false);
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'Update' },
      { resource: 'Pod', action: 'Update' },
    ],
  };
}
