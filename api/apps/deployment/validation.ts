// Deployment validation: replicas, rollout strategy, deadlines, selector and template.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateEnum, validateNonNegative } from '../../meta/validation.ts';
import type { LabelSelector } from '../../meta/labels.ts';
import type { PodTemplateSpec } from '../../core/pod/types.ts';
import { isZeroIntOrPercent, validateIntOrPercent, validateSelectorImmutable, validateWorkloadBase, type Workload } from '../workload.ts';

export interface Deployment extends Workload {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplateSpec;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
    [k: string]: unknown;
  };
}

export function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateWorkloadBase(d, 'deployment', ['Always']);
  const spec = d.spec ?? {};
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const st = spec.strategy ?? {};
  errs.push(...validateEnum(st.type, ['Recreate', 'RollingUpdate'], 'spec.strategy.type', true));
  if (st.type === 'Recreate' && st.rollingUpdate) {
    errs.push(fieldError.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (st.type === 'RollingUpdate' && st.rollingUpdate) {
    const { maxSurge, maxUnavailable } = st.rollingUpdate;
    const p = 'spec.strategy.rollingUpdate';
    errs.push(...validateIntOrPercent(maxUnavailable, `${p}.maxUnavailable`, true));
    errs.push(...validateIntOrPercent(maxSurge, `${p}.maxSurge`));
    if (isZeroIntOrPercent(maxSurge) && isZeroIntOrPercent(maxUnavailable)) {
      errs.push(fieldError.invalid(`${p}.maxUnavailable`, maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...validateNonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(fieldError.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return validateSelectorImmutable(d.spec?.selector, old.spec?.selector);
}
