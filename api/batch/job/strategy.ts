// Job strategy: batch/v1 defaults, the generated selector and labels (controller-uid,
// job-name, both prefixed and legacy) on create, status cleared, generation tracking.

import { isValidLabelValue } from '../../meta/validation.ts';
import { defaultPodTemplate, workloadStrategy } from '../../apps/workload.ts';
import { validateJobStatus } from '../../apps/status-validation.ts';
import {
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
  validateJob,
  validateJobUpdate,
  type Job,
} from './validation.ts';

export function defaultJob(job: Job): void {
  const spec = (job.spec ??= {});
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.completionMode ??= 'NonIndexed';
  if (spec.backoffLimit === undefined) {
    spec.backoffLimit = spec.completionMode === 'Indexed' && spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  }
  spec.suspend ??= false;
  spec.manualSelector ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(spec.template);
}

/**
 * Labels the template and selects on the job's uid, unless the user asked for a manual
 * selector. Needs metadata.uid and metadata.name: the engine fills them before prepare.
 */
export function generateSelector(job: Job): void {
  const spec = (job.spec ??= {});
  if (spec.manualSelector === true) return;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  labels[CONTROLLER_UID_LABEL] ??= uid;
  labels[LEGACY_CONTROLLER_UID_LABEL] ??= uid;
  if (isValidLabelValue(name).length === 0) {
    labels[JOB_NAME_LABEL] ??= name;
    labels[LEGACY_JOB_NAME_LABEL] ??= name;
  }
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  spec.selector.matchLabels[CONTROLLER_UID_LABEL] ??= uid;
}

export const jobStrategy = workloadStrategy<Job>({
  defaults: defaultJob,
  validate: validateJob,
  validateStatus: validateJobStatus,
  validateUpdate: validateJobUpdate,
  prepareForCreate: (job) => generateSelector(job),
});
