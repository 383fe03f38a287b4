// Priority: a new pod's spec.priority from its priorityClassName (the built-in system
// classes; any other name, or none, is 0) and preemptionPolicy PreemptLowerPriority.

import type { AdmissionPlugin } from '../../types.ts';
import { podCreatePlugin } from '../pods.ts';

export const NAME = 'Priority';

export const SYSTEM_PRIORITIES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

export function priority(): AdmissionPlugin {
  return podCreatePlugin(NAME, (spec) => {
    if (spec.priority === undefined) {
      spec.priority = spec.priorityClassName ? (SYSTEM_PRIORITIES[spec.priorityClassName] ?? 0) : 0;
    }
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
  });
}
