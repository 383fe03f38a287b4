// DefaultPreemption, diagnosis only: kubets does not evict victims yet, but it tells, in
// upstream's words, why preemption could not help, so FailedScheduling reads the same.
// Nodes rejected as unresolvable cannot be helped; others can only be helped by evicting
// lower-priority pods, and a node without any has no victims.

import { fitErrorMessage } from '../../framework.ts';
import { unschedulable, type NodeSnapshot, type PodInfo, type PostFilterPlugin, type Status } from '../../types.ts';

export const NAME = 'DefaultPreemption';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const REASON_NOT_ELIGIBLE = 'not eligible due to preemptionPolicy=Never';

/** The per-node preemption verdicts (upstream's nodesWherePreemptionMightHelp + victim search). */
export function diagnose(pod: PodInfo, statuses: Map<string, Status>, snapshot: NodeSnapshot): Map<string, Status> {
  const out = new Map<string, Status>();
  for (const [name, s] of statuses) {
    if (s.code === 'UnschedulableAndUnresolvable') {
      out.set(name, { code: s.code, reasons: [REASON_NOT_HELPFUL] });
      continue;
    }
    let victims = false;
    for (const priority of snapshot.get(name)?.podPriorities.keys() ?? []) if (priority < pod.priority) victims = true;
    // With victims a real preemption would evict some; we only report the node's own reasons.
    out.set(name, victims ? s : { code: 'UnschedulableAndUnresolvable', reasons: [REASON_NO_VICTIMS] });
  }
  return out;
}

export function newDefaultPreemption(): PostFilterPlugin {
  return {
    name: NAME,
    postFilter(_state, pod: PodInfo, statuses: Map<string, Status>, snapshot: NodeSnapshot): Status {
      if (pod.pod.spec?.preemptionPolicy === 'Never') return unschedulable(`preemption: ${REASON_NOT_ELIGIBLE}`);
      const verdicts = diagnose(pod, statuses, snapshot);
      const msg = fitErrorMessage(statuses.size, verdicts).replace(/\.$/, '');
      return unschedulable(`preemption: ${msg}`);
    },
  };
}
