// DefaultPreemption: when no node fits a pod, find a node where evicting pods of lower
// priority makes it fit, as upstream's PostFilter does:
// - a pod with preemptionPolicy Never, or one already nominated to a node where a pod of lower
//   priority is still terminating from an earlier preemption, does not preempt (it waits);
// - per node (not rejected as unresolvable): remove every pod of lower priority from a copy of
//   the node and ask every Filter plugin; if the pod fits, give pods back while it still fits:
//   first those whose eviction would break a PodDisruptionBudget (none allowed left), then
//   the others, the most important first (higher priority, then the longer running); the rest
//   are the victims;
// - the node whose victims matter least wins: the fewest budgets broken, then the lowest
//   highest victim priority, the lowest sum of priorities, the fewest victims, the latest
//   started. As upstream, the search stops once 10% of the nodes (at least 100) are candidates
//   that break no budget, starting from a random node.
// The scheduler then nominates the node (status.nominatedNodeName), marks the victims
// DisruptionTarget and deletes them; the pod schedules once they are gone, other pods of lower
// priority leaving it the room (Framework.schedulePod's nominated pods). Not done: Filter
// state of other pods (inter-pod affinity, topology spread) is not recomputed without the
// victims.
// When nothing can help, FailedScheduling says why per node, in upstream's words.

import { labelSelectorFromObject, type LabelSelector } from '../../../../api/meta/labels.ts';
import type { InformerFactory, Lister, ResourceRef } from '../../../../client/types.ts';
import type { KubeObject } from '../../../../api/types.ts';
import { addPodToNode, copyNodeInfo, removePodFromNode } from '../../cache.ts';
import { fitErrorMessage } from '../../framework.ts';
import type { CycleState, FilterRunner, Nomination, NodeInfo, NodeSnapshot, Pod, PodInfo, PostFilterPlugin, PostFilterStatus, Status } from '../../types.ts';
import { unschedulable } from '../../types.ts';

export const NAME = 'DefaultPreemption';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const REASON_NOT_ELIGIBLE = 'not eligible due to preemptionPolicy=Never';
export const REASON_WAITING = 'not eligible due to a terminating pod on the nominated node.';

/** Upstream's DisruptionTarget reason for a pod the scheduler preempts. */
export const PREEMPTION_BY_SCHEDULER = 'PreemptionByScheduler';

/** Deleted by an earlier preemption and still terminating. */
export function terminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  const conditions = (pod.status?.conditions ?? []) as { type?: string; reason?: string }[];
  return conditions.some((c) => c.type === 'DisruptionTarget' && c.reason === PREEMPTION_BY_SCHEDULER);
}

const startOf = (p: PodInfo) => Date.parse(String(p.pod.status?.startTime ?? p.pod.metadata?.creationTimestamp ?? '')) || 0;

/** Upstream's MoreImportantPod: higher priority first, then the one that started earlier. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  return b.priority - a.priority || startOf(a) - startOf(b);
}

export const PDBS: ResourceRef = { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true };

type Budget = KubeObject & { spec?: { selector?: LabelSelector }; status?: { disruptionsAllowed?: number; disruptedPods?: Record<string, string> } };

/**
 * Upstream's filterPodsWithPDBViolation: in order of importance, each pod uses one disruption of
 * every budget that selects it (one that already counts it as disrupted excepted); a pod that
 * takes a budget below zero would violate it.
 */
export function splitByBudgets(pods: PodInfo[], budgets: Budget[]): { violating: PodInfo[]; other: PodInfo[] } {
  const allowed = budgets.map((b) => b.status?.disruptionsAllowed ?? 0);
  const selectors = budgets.map((b) => {
    try {
      const sel = labelSelectorFromObject(b.spec?.selector);
      return sel.empty ? undefined : sel; // upstream: an empty selector matches nothing here
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const other: PodInfo[] = [];
  for (const p of pods) {
    let breaks = false;
    budgets.forEach((b, i) => {
      if (b.metadata?.namespace !== p.pod.metadata?.namespace || !selectors[i]?.matches(p.pod.metadata?.labels)) return;
      if (b.status?.disruptedPods?.[p.pod.metadata?.name ?? '']) return;
      if (--allowed[i] < 0) breaks = true;
    });
    (breaks ? violating : other).push(p);
  }
  return { violating, other };
}

/** The victims on one node and how many budgets they break, or the reason that node cannot be helped. */
export function selectVictims(state: CycleState, pod: PodInfo, ni: NodeInfo, filters: FilterRunner, budgets: Budget[] = []): Nomination | Status {
  const lower = [...ni.pods.values()].filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_NO_VICTIMS] };
  const what = copyNodeInfo(ni);
  for (const p of lower) removePodFromNode(what, p);
  const without = filters.runFilters(state, pod, what);
  if (without.code !== 'Success') return without;
  const victims: PodInfo[] = [];
  let violations = 0;
  const { violating, other } = splitByBudgets(lower.sort(moreImportant), budgets);
  for (const [group, breaks] of [[violating, true], [other, false]] as const) {
    for (const p of group) {
      addPodToNode(what, p);
      if (filters.runFilters(state, pod, what).code === 'Success') continue;
      removePodFromNode(what, p);
      victims.push(p);
      if (breaks) violations++;
    }
  }
  return { nodeName: ni.name, victims, violations };
}

/** Upstream's minCandidateNodesPercentage (10) and minCandidateNodesAbsolute (100). */
export function candidatesToFind(nodes: number): number {
  return Math.min(nodes, Math.max(100, Math.floor(nodes / 10)));
}

/** Upstream's pickOneNodeForPreemption. */
export function pickOne(candidates: Nomination[]): Nomination {
  const key = (c: Nomination) => {
    const highest = Math.max(...c.victims.map((v) => v.priority));
    const sum = c.victims.reduce((n, v) => n + v.priority + 2 ** 31, 0);
    const latest = Math.min(...c.victims.filter((v) => v.priority === highest).map(startOf));
    return [c.violations ?? 0, highest, sum, c.victims.length, -latest];
  };
  let best = candidates[0];
  let bestKey = key(best);
  for (const c of candidates.slice(1)) {
    const k = key(c);
    const i = k.findIndex((x, j) => x !== bestKey[j]);
    if (i >= 0 && k[i] < bestKey[i]) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

/** `cluster`: the informers to read PodDisruptionBudgets from (without them none are weighed). */
export function newDefaultPreemption(cluster?: { informers: InformerFactory }): PostFilterPlugin {
  const budgets: Lister<Budget> | undefined = cluster?.informers.informer<Budget>(PDBS).lister;
  return {
    name: NAME,
    postFilter(state, pod: PodInfo, statuses: Map<string, Status>, snapshot: NodeSnapshot, filters: FilterRunner): PostFilterStatus {
      if (pod.pod.spec?.preemptionPolicy === 'Never') return unschedulable(`preemption: ${REASON_NOT_ELIGIBLE}`);
      const nominated = pod.pod.status?.nominatedNodeName as string | undefined;
      if (nominated && statuses.get(nominated)?.code !== 'UnschedulableAndUnresolvable') {
        const ni = snapshot.get(nominated);
        for (const p of ni?.pods.values() ?? []) {
          if (p.priority < pod.priority && terminatingByPreemption(p.pod)) return unschedulable(REASON_WAITING.replace(/\.$/, ''));
        }
      }
      const verdicts = new Map<string, Status>();
      const candidates: Nomination[] = [];
      const pdbs = budgets?.list();
      // As upstream's dry run: from a random node on, until enough candidates that break no
      // budget (10% of the nodes, at least 100) are found.
      const entries = [...statuses];
      const want = candidatesToFind(entries.length);
      const offset = Math.floor(Math.random() * entries.length);
      let clean = 0;
      for (let i = 0; i < entries.length && clean < want; i++) {
        const [name, s] = entries[(offset + i) % entries.length];
        const ni = snapshot.get(name);
        if (s.code === 'UnschedulableAndUnresolvable' || !ni) {
          verdicts.set(name, { code: 'UnschedulableAndUnresolvable', reasons: [REASON_NOT_HELPFUL] });
          continue;
        }
        const v = selectVictims(state, pod, ni, filters, pdbs);
        if (!('victims' in v)) verdicts.set(name, v);
        else if (v.victims.length > 0) {
          candidates.push(v);
          if (!v.violations) clean++;
        } else verdicts.set(name, s); // fits without evicting anyone: not preemption's to solve
      }
      if (candidates.length > 0) return { code: 'Success', reasons: [], nominated: pickOne(candidates) };
      const msg = fitErrorMessage(statuses.size, verdicts).replace(/\.$/, '');
      return unschedulable(`preemption: ${msg}`);
    },
  };
}
