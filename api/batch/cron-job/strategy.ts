// CronJob strategy: batch/v1 defaults (Allow, not suspended, history 3 and 1), template
// defaults, and schedule / time zone validation with our own cron parser.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { maxLenError, validateEnum, validateLabels, validateAnnotations, validateNonNegative, validateObjectMeta } from '../../meta/validation.ts';
import { defaultPodTemplate, workloadStrategy, type Workload } from '../../apps/workload.ts';
import { validateJobSpec, type JobSpec } from '../job/validation.ts';
import { isValidTimeZone, parseSchedule, ScheduleError } from './schedule.ts';
import type { ObjectMeta } from '../../types.ts';

interface CronJob extends Workload {
  spec?: {
    schedule?: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: string;
    suspend?: boolean;
    jobTemplate?: { metadata?: ObjectMeta; spec?: JobSpec };
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
  };
}

/** Job names get an 11-character suffix and must stay valid label values. */
const MAX_CRONJOB_NAME = 52;

export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  defaultPodTemplate(spec.jobTemplate?.spec?.template);
}

export function validateSchedule(schedule: string | undefined, field = 'spec.schedule'): FieldError[] {
  if (!schedule) return [fieldError.required(field)];
  if (schedule.includes('TZ')) return [fieldError.invalid(field, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead')];
  try {
    parseSchedule(schedule);
    return [];
  } catch (e) {
    if (e instanceof ScheduleError) return [fieldError.invalid(field, schedule, e.message)];
    throw e;
  }
}

export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, true, 'subdomain');
  const name = cj.metadata?.name ?? '';
  if (name.length > MAX_CRONJOB_NAME) errs.push(fieldError.invalid('metadata.name', name, maxLenError(MAX_CRONJOB_NAME)));
  const spec = cj.spec ?? {};
  errs.push(...validateSchedule(spec.schedule));
  if (spec.timeZone !== undefined && !isValidTimeZone(spec.timeZone)) {
    errs.push(fieldError.invalid('spec.timeZone', spec.timeZone, `unknown time zone ${spec.timeZone}`));
  }
  errs.push(...validateEnum(spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], 'spec.concurrencyPolicy', true));
  for (const k of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
    errs.push(...validateNonNegative(spec[k], `spec.${k}`));
  }
  const jt = spec.jobTemplate;
  if (!jt) errs.push(fieldError.required('spec.jobTemplate'));
  else {
    errs.push(...validateLabels(jt.metadata?.labels, 'spec.jobTemplate.metadata.labels'));
    errs.push(...validateAnnotations(jt.metadata?.annotations, 'spec.jobTemplate.metadata.annotations'));
    errs.push(...validateJobSpec(jt.spec ?? {}, 'spec.jobTemplate.spec', false));
  }
  return errs;
}

export const cronJobStrategy = workloadStrategy<CronJob>({
  defaults: defaultCronJob,
  validate: validateCronJob,
});
