// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not tolerate
// them; PreferNoSchedule taints the pod does not tolerate lower the node's score.

import { toleratedBy, tolerates, type Toleration } from '../../../../api/core/pod/toleration.ts';
import {
  MAX_NODE_SCORE, SUCCESS, unresolvable,
  type ClusterEvent, type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type PreScorePlugin, type ScorePlugin, type Status, type Taint,
} from '../../types.ts';

export const NAME = 'TaintToleration';
const STATE_KEY = 'PreScore' + NAME;
const FILTER_EFFECTS = ['NoSchedule', 'NoExecute'];

/** The FailedScheduling reason for one taint, as upstream words it. */
export function untoleratedReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
}

export { toleratedBy, tolerates };

/** The first taint with one of the effects the pod does not tolerate, or undefined. */
export function firstUntolerated(taints: Taint[] | undefined, tolerations: Toleration[] | undefined, effects: string[]): Taint | undefined {
  for (const t of taints ?? []) {
    if (!effects.includes(t.effect)) continue;
    if (!toleratedBy(tolerations, t)) return t;
  }
  return undefined;
}

/** The tolerations that can tolerate a PreferNoSchedule taint (no effect, or that one). */
export function preferNoScheduleTolerations(tolerations: Toleration[] | undefined): Toleration[] {
  return (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

export function countIntolerablePreferNoSchedule(taints: Taint[] | undefined, tolerations: Toleration[] | undefined): number {
  return countUntoleratedPreferred(taints, preferNoScheduleTolerations(tolerations));
}

/** PreferNoSchedule taints that none of these (already narrowed) tolerations tolerates. */
function countUntoleratedPreferred(taints: Taint[] | undefined, prefer: Toleration[]): number {
  if (!taints) return 0;
  let n = 0;
  for (const t of taints) if (t.effect === 'PreferNoSchedule' && !toleratedBy(prefer, t)) n++;
  return n;
}

export function newTaintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NAME,
    filter(_state, pod: PodInfo, node: NodeInfo): Status {
      const t = firstUntolerated(node.taints, pod.pod.spec?.tolerations, FILTER_EFFECTS);
      return t ? unresolvable(untoleratedReason(t)) : SUCCESS;
    },
    preScore(state: CycleState, pod: PodInfo): Status {
      state.write(STATE_KEY, preferNoScheduleTolerations(pod.pod.spec?.tolerations));
      return SUCCESS;
    },
    score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
      const prefer = state.read<Toleration[]>(STATE_KEY) ?? preferNoScheduleTolerations(pod.pod.spec?.tolerations);
      return countUntoleratedPreferred(node.taints, prefer);
    },
    normalizeScore(_state, _pod, scores: number[]): void {
      // Fewer intolerable taints is better: reverse against the maximum.
      let max = 0;
      for (const s of scores) if (s > max) max = s;
      for (let i = 0; i < scores.length; i++) scores[i] = max === 0 ? MAX_NODE_SCORE : Math.floor(((max - scores[i]) * MAX_NODE_SCORE) / max);
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'Update' },
      { resource: 'Pod', action: 'Update' },
    ],
  };
}
