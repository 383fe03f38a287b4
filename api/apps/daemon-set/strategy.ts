// DaemonSet strategy: RollingUpdate with maxUnavailable 1 / maxSurge 0, history 10, pod
// template defaults; selector fixed after create.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateEnum, validateNonNegative } from '../../meta/validation.ts';
import {
  defaultPodTemplate,
  isZeroIntOrPercent,
  validateIntOrPercent,
  validateSelectorImmutable,
  validateWorkloadBase,
  workloadStrategy,
  type Workload,
} from '../workload.ts';
import { validateDaemonSetStatus } from '../status-validation.ts';

interface UpdateStrategy {
  type?: string;
  rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
}

export function defaultDaemonSet(ds: Workload): void {
  const spec = (ds.spec ??= {});
  const us = (spec.updateStrategy ??= {}) as UpdateStrategy;
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    us.rollingUpdate ??= {};
    us.rollingUpdate.maxUnavailable ??= 1;
    us.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}

export function validateDaemonSet(ds: Workload): FieldError[] {
  const errs = validateWorkloadBase(ds, 'DaemonSet', ['Always']);
  const spec = ds.spec ?? {};
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const us = (spec.updateStrategy ?? {}) as UpdateStrategy;
  errs.push(...validateEnum(us.type, ['OnDelete', 'RollingUpdate'], 'spec.updateStrategy.type', true));
  if (us.type === 'RollingUpdate' && us.rollingUpdate) {
    const p = 'spec.updateStrategy.rollingUpdate';
    errs.push(...validateIntOrPercent(us.rollingUpdate.maxUnavailable, `${p}.maxUnavailable`, true));
    errs.push(...validateIntOrPercent(us.rollingUpdate.maxSurge, `${p}.maxSurge`, true));
    if (isZeroIntOrPercent(us.rollingUpdate.maxUnavailable) && isZeroIntOrPercent(us.rollingUpdate.maxSurge)) {
      errs.push(fieldError.invalid(`${p}.maxUnavailable`, us.rollingUpdate.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  return errs;
}

export const daemonSetStrategy = workloadStrategy<Workload>({
  defaults: defaultDaemonSet,
  validate: validateDaemonSet,
  initialStatus: () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
  validateStatus: validateDaemonSetStatus,
  validateUpdate: (ds, old) => validateSelectorImmutable(ds.spec?.selector, old.spec?.selector),
});
