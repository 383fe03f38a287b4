// Job validation: counts, completion mode, generated selector, template (OnFailure/Never),
// and what an update may change.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { labelSelectorFromObject, validateLabelSelector, type LabelSelector, type Selector } from '../../meta/labels.ts';
import { goValue, semanticEqual, validateEnum, validateImmutable, validateNonNegative, validateObjectMeta } from '../../meta/validation.ts';
import type { PodTemplateSpec } from '../../core/pod/types.ts';
import { goLabelSelector, validatePodTemplate, validateSelectorImmutable, type Workload } from '../../apps/workload.ts';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  selector?: LabelSelector;
  manualSelector?: boolean;
  template?: PodTemplateSpec;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  podFailurePolicy?: unknown;
  [k: string]: unknown;
}

export interface Job extends Workload {
  spec?: JobSpec;
}

export const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];

/** ValidateJobSpec; `field` is 'spec' for Jobs and 'spec.jobTemplate.spec' for CronJobs. */
export function validateJobSpec(spec: JobSpec, field: string, requireSelector: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    errs.push(...validateNonNegative(spec[k], `${field}.${k}`));
  }
  if (spec.activeDeadlineSeconds === 0) errs.push(fieldError.invalid(`${field}.activeDeadlineSeconds`, 0, 'must be greater than 0'));
  errs.push(...validateEnum(spec.completionMode, ['NonIndexed', 'Indexed'], `${field}.completionMode`));
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) {
    errs.push(fieldError.required(`${field}.completions`, 'when completion mode is Indexed'));
  }
  if (spec.backoffLimitPerIndex !== undefined && spec.completionMode !== 'Indexed') {
    errs.push(fieldError.forbidden(`${field}.backoffLimitPerIndex`, 'requires indexed completion mode'));
  }
  errs.push(...validateEnum(spec.podReplacementPolicy, ['TerminatingOrFailed', 'Failed'], `${field}.podReplacementPolicy`));
  if (spec.podFailurePolicy && spec.podReplacementPolicy && spec.podReplacementPolicy !== 'Failed') {
    errs.push(fieldError.notSupported(`${field}.podReplacementPolicy`, spec.podReplacementPolicy, ['Failed']));
  }
  let selector: Selector | undefined;
  if (!spec.selector) {
    if (requireSelector) errs.push(fieldError.required(`${field}.selector`));
  } else {
    const selErrs = validateLabelSelector(spec.selector, `${field}.selector`);
    errs.push(...selErrs);
    if (selErrs.length === 0) selector = labelSelectorFromObject(spec.selector);
  }
  errs.push(...validatePodTemplate(spec.template, `${field}.template`, selector, JOB_RESTART_POLICIES));
  return errs;
}

/** Without manualSelector the selector must be exactly the generated one. */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector === true) return [];
  const uid = job.metadata?.uid ?? '';
  const errs: FieldError[] = [];
  const labels = spec.template?.metadata?.labels ?? {};
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) {
    const p = `spec.template.metadata.labels[${key}]`;
    if (labels[key] === undefined) errs.push(fieldError.required(p, `must be '${uid}'`));
    else if (labels[key] !== uid) errs.push(fieldError.invalid(p, labels[key], `must be '${uid}'`));
  }
  if (spec.selector && !semanticEqual(spec.selector, { matchLabels: { [CONTROLLER_UID_LABEL]: uid } })) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.selector', detail: `Invalid value: ${goLabelSelector(spec.selector)}: \`selector\` not auto-generated` });
  }
  return errs;
}

export function validateJob(job: Job): FieldError[] {
  return [
    ...validateObjectMeta(job.metadata, true, 'subdomain'),
    ...validateGeneratedSelector(job),
    ...validateJobSpec(job.spec ?? {}, 'spec', true),
  ];
}

export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const n = job.spec ?? {};
  const o = old.spec ?? {};
  const errs = validateSelectorImmutable(n.selector, o.selector);
  const elastic = n.completionMode === 'Indexed' && n.completions === n.parallelism && o.completions === o.parallelism;
  if (!elastic) errs.push(...validateImmutable(n.completions, o.completions, 'spec.completions'));
  for (const k of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'manualSelector'] as const) {
    errs.push(...validateImmutable(n[k], o[k], `spec.${k}`));
  }
  // The template is fixed, except scheduling directives while the job is suspended.
  if (!semanticEqual(n.template, o.template)) {
    const strip = (t: PodTemplateSpec | undefined) => {
      const c = structuredClone(t ?? {});
      if (o.suspend === true && c.spec) for (const k of ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates']) delete c.spec[k];
      if (o.suspend === true && c.metadata) {
        delete c.metadata.labels;
        delete c.metadata.annotations;
      }
      return c;
    };
    if (!semanticEqual(strip(n.template), strip(o.template))) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.template', detail: `Invalid value: ${goValue(n.template)}: field is immutable` });
    }
  }
  return errs;
}
