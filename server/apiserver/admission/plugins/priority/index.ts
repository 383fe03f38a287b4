// Priority: a new pod's spec.priority and preemptionPolicy from its PriorityClass, as
// upstream's plugin does. No priorityClassName: the globalDefault class (the lowest value when
// several are), naming it, or 0 and PreemptLowerPriority without one. A class that does not
// exist, or a priority or preemptionPolicy in the spec that differs from the class's, is
// Forbidden with upstream's message.

import type { PodSpec } from '../../../../../api/core/pod/types.ts';
import type { KubeObject } from '../../../../../api/types.ts';
import { forbidden } from '../../errors.ts';
import type { AdmissionDeps, AdmissionPlugin } from '../../types.ts';
import { isPodCreate } from '../pods.ts';

export const NAME = 'Priority';

export const SYSTEM_PRIORITIES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

type PriorityClass = KubeObject & { value?: number; globalDefault?: boolean; preemptionPolicy?: string };

export function priority(deps?: Pick<AdmissionDeps, 'listObjects'>): AdmissionPlugin {
  const classes = async () => ((await deps?.listObjects('scheduling.k8s.io', 'priorityclasses', '')) ?? []) as PriorityClass[];
  return {
    name: NAME,
    handles: (op) => op === 'CREATE',
    async admit(a) {
      if (!isPodCreate(a)) return;
      const spec = (a.object!.spec ??= {}) as PodSpec;
      let value = 0;
      let policy = 'PreemptLowerPriority';
      if (spec.priorityClassName) {
        const name = spec.priorityClassName;
        const pc = (await classes()).find((c) => c.metadata?.name === name);
        if (pc) {
          value = pc.value ?? 0;
          policy = pc.preemptionPolicy ?? policy;
        } else if (name in SYSTEM_PRIORITIES) value = SYSTEM_PRIORITIES[name];
        else throw forbidden(a, `no PriorityClass with name ${name} was found`);
      } else {
        const defaults = (await classes()).filter((c) => c.globalDefault).sort((x, y) => (x.value ?? 0) - (y.value ?? 0));
        if (defaults[0]) {
          spec.priorityClassName = defaults[0].metadata?.name;
          value = defaults[0].value ?? 0;
          policy = defaults[0].preemptionPolicy ?? policy;
        }
      }
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
        throw forbidden(a, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
      }
      if (spec.preemptionPolicy && spec.preemptionPolicy !== policy && spec.priorityClassName) {
        throw forbidden(a, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
      }
      spec.priority = value;
      spec.preemptionPolicy ??= policy as PodSpec['preemptionPolicy'];
    },
  };
}
