// ReplicationController strategy: core/v1 defaults (selector and labels from the template,
// replicas 1), a plain-map selector that must match the template's labels.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { makeSelector } from '../../meta/labels.ts';
import { validateLabels, validateNonNegative, validateObjectMeta } from '../../meta/validation.ts';
import type { PodTemplateSpec } from '../pod/types.ts';
import { defaultPodTemplate, validatePodTemplate, workloadStrategy, type Workload } from '../../apps/workload.ts';
import { validateReplicaSetStatus } from '../../apps/status-validation.ts';

interface ReplicationController extends Workload {
  spec?: { selector?: Record<string, string>; template?: PodTemplateSpec; replicas?: number; minReadySeconds?: number };
}

export function defaultReplicationController(rc: ReplicationController): void {
  const spec = (rc.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels && Object.keys(labels).length > 0) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    rc.metadata ??= {};
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
  }
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}

export function validateReplicationController(rc: ReplicationController): FieldError[] {
  const errs = validateObjectMeta(rc.metadata, true, 'subdomain');
  const spec = rc.spec ?? {};
  const sel = spec.selector ?? {};
  if (Object.keys(sel).length === 0) errs.push(fieldError.required('spec.selector'));
  else errs.push(...validateLabels(sel, 'spec.selector'));
  const selector = makeSelector(Object.entries(sel).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validatePodTemplate(spec.template, 'spec.template', selector, ['Always']));
  if (spec.template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(fieldError.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export const replicationControllerStrategy = workloadStrategy<ReplicationController>({
  defaults: defaultReplicationController,
  validate: validateReplicationController,
  initialStatus: () => ({ replicas: 0 }),
  validateStatus: validateReplicaSetStatus,
});
