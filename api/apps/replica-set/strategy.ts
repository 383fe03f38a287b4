// ReplicaSet strategy: replicas 1, pod template defaults; selector and template must agree,
// and the selector is fixed after create.

import { validateNonNegative } from '../../meta/validation.ts';
import { defaultPodTemplate, validateSelectorImmutable, validateWorkloadBase, workloadStrategy, type Workload } from '../workload.ts';
import { validateReplicaSetStatus } from '../status-validation.ts';

export function defaultReplicaSet(rs: Workload): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}

export function validateReplicaSet(rs: Workload) {
  const errs = validateWorkloadBase(rs, 'ReplicaSet', ['Always']);
  errs.push(...validateNonNegative(rs.spec?.replicas, 'spec.replicas'));
  errs.push(...validateNonNegative(rs.spec?.minReadySeconds, 'spec.minReadySeconds'));
  return errs;
}

export const replicaSetStrategy = workloadStrategy<Workload>({
  defaults: defaultReplicaSet,
  validate: validateReplicaSet,
  initialStatus: () => ({ replicas: 0 }),
  validateStatus: validateReplicaSetStatus,
  validateUpdate: (rs, old) => validateSelectorImmutable(rs.spec?.selector, old.spec?.selector),
});
