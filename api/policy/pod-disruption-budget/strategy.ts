// PodDisruptionBudget strategy: minAvailable or maxUnavailable (not both), a valid
// selector; status cleared and generation tracked.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateLabelSelector, type LabelSelector } from '../../meta/labels.ts';
import { validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateIntOrPercent } from '../../apps/workload.ts';

type PDB = KubeObject & {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector; unhealthyPodEvictionPolicy?: string };
};

export function validatePDB(pdb: PDB): FieldError[] {
  const spec = pdb.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(fieldError.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  errs.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable', true));
  errs.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable', true));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  errs.push(...validateEnum(spec.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget'], 'spec.unhealthyPodEvictionPolicy'));
  return errs;
}

export const podDisruptionBudgetStrategy = simpleStrategy<PDB>({
  namespaced: true,
  generation: true,
  initialStatus: () => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
  validate: validatePDB,
});
