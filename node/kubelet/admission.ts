// The kubelet's resource admission of a pod bound to this node (upstream's predicate admit
// handler, resources part): the pod's effective requests (sidecars included:
// ../../api/core/pod/requests.ts) must fit in the node's allocatable beside the requests of
// the pods already admitted. A pod that does not fit is rejected: phase Failed, reason
// OutOf<resource>, message "Pod was rejected: Node didn't have enough resource: ...".

import { effectiveRequests, toResources } from '../../api/core/pod/requests.ts';
import type { Pod } from '../../api/core/pod/types.ts';

/** The resources checked, in upstream's order; extended resources are left to device plugins (none here). */
const CHECKED = ['cpu', 'memory', 'ephemeral-storage'];

export interface Rejection {
  reason: string;
  message: string;
}

/** Undefined when `pod` fits beside `admitted` in `allocatable` (a node's status.allocatable). */
export function admit(pod: Pod, admitted: Pod[], allocatable: Record<string, unknown>): Rejection | undefined {
  const want = effectiveRequests(pod.spec);
  const cap = toResources(allocatable);
  for (const name of CHECKED) {
    const requested = want.get(name) ?? 0;
    if (requested <= 0) continue;
    const used = admitted.reduce((sum, p) => sum + (effectiveRequests(p.spec).get(name) ?? 0), 0);
    const capacity = cap.get(name) ?? 0;
    if (requested > capacity - used) {
      return { reason: `OutOf${name}`, message: `Node didn't have enough resource: ${name}, requested: ${requested}, used: ${used}, capacity: ${capacity}` };
    }
  }
  return undefined;
}
