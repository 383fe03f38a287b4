// The CronJob controller: creates a Job named <cronjob>-<minutes since epoch> for the most
// recent schedule time that is due (within startingDeadlineSeconds), honouring
// concurrencyPolicy (Allow, Forbid, Replace) and suspend; keeps status.active and
// lastScheduleTime/lastSuccessfulTime, and prunes finished Jobs beyond the history limits.

import type { KubeObject } from '../../../api/types.ts';
import { nextAfter, parseSchedule, type Schedule } from '../../../api/batch/cron-job/schedule.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { errorMessage, isAlreadyExists, isConflict, isNotFound } from '../common/errors.ts';
import { COMPONENT, recorderOf } from '../common/events.ts';
import { clone, parseTime, splitKey } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import { newControllerRef } from '../common/owners.ts';
import { R } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import type { Job } from '../job/reconcile.ts';
import { controlledBy, controllerIndexedLister } from '../common/controller-index.ts';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** More missed start times than this and the CronJob only runs the latest (as upstream warns). */
const MAX_MISSED = 100;

interface ObjectRef { apiVersion: string; kind: string; name?: string; namespace?: string; uid?: string; resourceVersion?: string }

export interface CronJob extends KubeObject {
  spec?: {
    schedule?: string; timeZone?: string; startingDeadlineSeconds?: number; concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace'; suspend?: boolean;
    successfulJobsHistoryLimit?: number; failedJobsHistoryLimit?: number;
    jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  };
  status?: { active?: ObjectRef[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

const finished = (j: Job) => j.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
const jobRef = (j: Job): ObjectRef => ({ apiVersion: 'batch/v1', kind: 'Job', name: j.metadata?.name, namespace: j.metadata?.namespace, uid: j.metadata?.uid, resourceVersion: j.metadata?.resourceVersion });

/** The latest schedule time in (earliest, now], or undefined; and the next one after now. */
export function scheduleTimes(s: Schedule, earliest: Date, now: Date, tz?: string): { due?: Date; next?: Date; missed: number } {
  let due: Date | undefined;
  let missed = 0;
  let t = nextAfter(s, earliest, tz);
  while (t && t.getTime() <= now.getTime()) {
    due = t;
    if (++missed > MAX_MISSED) {
      // Skip ahead: only the most recent time matters now.
      const back = nextAfter(s, new Date(now.getTime() - 60_000 * 60 * 24), tz);
      if (back && back.getTime() > t.getTime()) t = back;
    }
    t = nextAfter(s, t, tz);
  }
  return { due, next: t, missed };
}

export function newCronJobReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, clock } = deps;
  const cjLister = informers.informer<CronJob>(R.cronJobs).lister;
  const jobLister = controllerIndexedLister<Job>(informers, R.jobs);
  const rec = recorderOf(deps.events(COMPONENT.cronjob), R.cronJobs);

  const deleteJob = (cj: CronJob, j: Job) =>
    client.delete(R.jobs, j.metadata?.namespace ?? '', j.metadata?.name ?? '', { propagationPolicy: 'Background', preconditions: { uid: j.metadata?.uid } }).then(
      () => rec.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata?.name}`),
      (e) => {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      },
    );

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const cj = cjLister.get(namespace, name);
    if (!cj) return {};
    const now = clock.now();
    const jobs = controlledBy(jobLister, cj);
    const status = clone(cj.status ?? {});
    const wasActive = new Set((cj.status?.active ?? []).map((r) => r.uid));
    for (const j of jobs) {
      const cond = finished(j);
      if (cond && wasActive.has(j.metadata?.uid)) rec.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name}, condition: ${cond}`);
    }
    status.active = jobs.filter((j) => !finished(j) && !j.metadata?.deletionTimestamp).map(jobRef);
    const lastOk = jobs.filter((j) => finished(j) === 'Complete').map((j) => j.status?.completionTime).filter((x): x is string => !!x).sort().pop();
    if (lastOk && (!status.lastSuccessfulTime || lastOk > status.lastSuccessfulTime)) status.lastSuccessfulTime = lastOk;

    // History: the oldest finished Jobs beyond each limit go.
    const started = (j: Job) => parseTime(j.status?.startTime ?? j.metadata?.creationTimestamp) ?? 0;
    for (const [kind, limit] of [['Complete', cj.spec?.successfulJobsHistoryLimit ?? 3], ['Failed', cj.spec?.failedJobsHistoryLimit ?? 1]] as const) {
      const done = jobs.filter((j) => finished(j) === kind && !j.metadata?.deletionTimestamp).sort((a, b) => started(a) - started(b));
      for (const j of done.slice(0, Math.max(0, done.length - limit))) await deleteJob(cj, j);
    }

    let schedule: Schedule;
    try {
      schedule = parseSchedule(cj.spec?.schedule ?? '');
    } catch {
      await writeStatus(client, R.cronJobs, cj, status);
      return {}; // an unparseable schedule waits for the user to fix it
    }
    if (cj.spec?.suspend || cj.metadata?.deletionTimestamp) {
      await writeStatus(client, R.cronJobs, cj, status);
      return {};
    }
    const tz = cj.spec?.timeZone;
    let earliest = parseTime(status.lastScheduleTime ?? cj.metadata?.creationTimestamp) ?? now.getTime();
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined) earliest = Math.max(earliest, now.getTime() - deadline * 1000);
    const { due, next } = scheduleTimes(schedule, new Date(earliest), now, tz);
    const requeue = next ? { requeueAfterMs: Math.max(1000, next.getTime() - now.getTime() + 100) } : {};
    if (!due) {
      await writeStatus(client, R.cronJobs, cj, status);
      return requeue;
    }
    const jobName = `${name}-${Math.floor(due.getTime() / 60_000)}`;
    const exists = jobs.some((j) => j.metadata?.name === jobName);
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (!exists && policy === 'Forbid' && status.active.length > 0) {
      await writeStatus(client, R.cronJobs, cj, status);
      return requeue;
    }
    if (!exists) {
      if (policy === 'Replace') {
        for (const ref of status.active) {
          const j = jobs.find((x) => x.metadata?.uid === ref.uid);
          if (j) await deleteJob(cj, j);
        }
        status.active = [];
      }
      const t = cj.spec?.jobTemplate ?? {};
      const body: Job = {
        apiVersion: 'batch/v1', kind: 'Job',
        metadata: {
          name: jobName, namespace, labels: { ...t.metadata?.labels },
          annotations: { ...t.metadata?.annotations, [SCHEDULED_TIMESTAMP]: rfc3339(due) },
          ownerReferences: [newControllerRef(cj, R.cronJobs)],
        },
        spec: clone(t.spec ?? {}) as Job['spec'],
      };
      try {
        const created = await client.create<Job>(R.jobs, namespace, body);
        status.active = [...status.active, jobRef(created)];
        rec.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);
      } catch (e) {
        if (!isAlreadyExists(e)) {
          rec.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(e)}`);
          throw e;
        }
      }
    }
    status.lastScheduleTime = rfc3339(due);
    await writeStatus(client, R.cronJobs, cj, status);
    return requeue;
  };
}
