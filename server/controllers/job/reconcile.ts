// The Job controller: runs pods from the template until `completions` succeed (or, without
// completions, until one succeeds and none is active), at most `parallelism` at a time; fails
// the Job past backoffLimit pod failures or activeDeadlineSeconds; Indexed jobs give each pod
// a completion index. Finished Jobs are deleted ttlSecondsAfterFinished later.

import type { KubeObject } from '../../../api/types.ts';
import { labelSelectorFromObject, type LabelSelector } from '../../../api/meta/labels.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { claim } from '../common/claim.ts';
import type { Condition } from '../common/conditions.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { COMPONENT, podCreated, podCreateFailed, podDeleted, podDeleteFailed, recorderOf } from '../common/events.ts';
import type { Expectations } from '../common/expectations.ts';
import { clone, keyOf, parseTime, splitKey } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import { newControllerRef } from '../common/owners.ts';
import { compareForDeletion, isPodActive, isPodReady, type Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import { claimCandidates, controllerIndexedLister } from '../common/controller-index.ts';

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

export interface Job extends KubeObject {
  spec?: {
    parallelism?: number; completions?: number; backoffLimit?: number; activeDeadlineSeconds?: number; ttlSecondsAfterFinished?: number;
    completionMode?: 'NonIndexed' | 'Indexed'; suspend?: boolean; selector?: LabelSelector;
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  };
  status?: { active?: number; succeeded?: number; failed?: number; ready?: number; startTime?: string; completionTime?: string; completedIndexes?: string; conditions?: Condition[] };
}

const finishedCondition = (j: Job) => j.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
const indexOf = (p: Pod) => Number(p.metadata?.annotations?.[COMPLETION_INDEX] ?? NaN);

/** Upstream's compressed index list: "0-2,5". */
export function formatIndexes(xs: number[]): string {
  const s = [...new Set(xs)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j;
  }
  return out.join(',');
}

function podFor(job: Job, index?: number): KubeObject {
  const t = job.spec?.template ?? {};
  const name = job.metadata?.name ?? '';
  const annotations = { ...t.metadata?.annotations, ...(index !== undefined ? { [COMPLETION_INDEX]: String(index) } : {}) };
  const labels = { ...t.metadata?.labels, ...(index !== undefined ? { [COMPLETION_INDEX]: String(index) } : {}) };
  const spec = clone(t.spec ?? {});
  if (index !== undefined) spec.hostname ??= `${name}-${index}`;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { generateName: index !== undefined ? `${name}-${index}-` : `${name}-`, namespace: job.metadata?.namespace, labels, annotations, ownerReferences: [newControllerRef(job, R.jobs)] },
    spec,
  };
}

export function newJobReconciler(deps: ControllerContext & { expectations: Expectations }): (key: string) => Promise<Result> {
  const { client, informers, clock, expectations } = deps;
  const jobLister = informers.informer<Job>(R.jobs).lister;
  const podLister = controllerIndexedLister<Pod>(informers, R.pods);
  const rec = recorderOf(deps.events(COMPONENT.job), R.jobs);

  const deletePods = (job: Job, pods: Pod[], key: string) => {
    expectations.expectDeletions(key, pods.map(keyOf));
    return Promise.all(pods.map((p) => client.delete(R.pods, p.metadata?.namespace ?? '', p.metadata?.name ?? '', { preconditions: { uid: p.metadata?.uid } }).then(
      () => podDeleted(rec, job, p.metadata?.name ?? ''),
      (e) => {
        expectations.lowerDeletions(key, keyOf(p));
        if (isNotFound(e) || isConflict(e)) return;
        podDeleteFailed(rec, job, e);
        throw e;
      },
    )));
  };

  async function cleanupFinished(job: Job, done: Condition): Promise<Result> {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (ttl === undefined) return {};
    const finished = parseTime(job.status?.completionTime ?? done.lastTransitionTime) ?? clock.now().getTime();
    const left = finished + ttl * 1000 - clock.now().getTime();
    if (left > 0) return { requeueAfterMs: left };
    // Re-read: the Job may have been changed (ttl extended) or replaced since the cache saw it.
    const ns = job.metadata?.namespace ?? '';
    const fresh = await client.get<Job>(R.jobs, ns, job.metadata?.name ?? '').catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    if (!fresh || fresh.metadata?.uid !== job.metadata?.uid || fresh.spec?.ttlSecondsAfterFinished !== ttl || !finishedCondition(fresh)) return {};
    await client.delete(R.jobs, ns, job.metadata?.name ?? '', { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata?.uid } }).catch((e) => {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    });
    return {};
  }

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const job = jobLister.get(namespace, name);
    if (!job) {
      expectations.forget(key);
      return {};
    }
    const done = finishedCondition(job);
    if (done) return cleanupFinished(job, done);
    const now = clock.now();
    const nowS = rfc3339(now);
    const pods = await claim({ client, owner: job, ownerRt: R.jobs, r: R.pods, selector: labelSelectorFromObject(job.spec?.selector) }, claimCandidates(podLister, job));
    const active = pods.filter(isPodActive);
    const indexed = job.spec?.completionMode === 'Indexed';
    const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded');
    const succeededIdx = indexed ? [...new Set(succeededPods.map(indexOf).filter((i) => i >= 0 && i < (job.spec?.completions ?? 0)))] : [];
    const status = clone(job.status ?? {});
    status.succeeded = Math.max(status.succeeded ?? 0, indexed ? succeededIdx.length : succeededPods.length);
    status.failed = Math.max(status.failed ?? 0, pods.filter((p) => p.status?.phase === 'Failed').length);
    if (indexed) status.completedIndexes = formatIndexes(succeededIdx);
    const suspended = job.spec?.suspend === true;
    if (!status.startTime && !suspended) status.startTime = nowS;

    const completions = job.spec?.completions;
    const parallelism = suspended ? 0 : (job.spec?.parallelism ?? 1);
    const deadline = job.spec?.activeDeadlineSeconds;
    const started = parseTime(status.startTime);
    let failure: [string, string] | undefined;
    if (status.failed > (job.spec?.backoffLimit ?? 6)) failure = ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
    else if (deadline !== undefined && started !== undefined && now.getTime() - started >= deadline * 1000) failure = ['DeadlineExceeded', 'Job was active longer than specified deadline'];
    const complete = !failure && (completions === undefined ? status.succeeded > 0 && active.length === 0 : status.succeeded >= completions);

    let requeue: number | undefined;
    if (failure || complete) {
      await deletePods(job, active, key);
      const cond = (type: string, reason: string, message: string): Condition => ({ type, status: 'True', reason, message, lastProbeTime: nowS, lastTransitionTime: nowS });
      status.conditions = [
        ...(status.conditions ?? []),
        ...(failure ? [cond('FailureTarget', ...failure), cond('Failed', ...failure)] : [cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')]),
      ];
      if (complete) status.completionTime = nowS;
      status.active = 0;
    } else {
      if (expectations.satisfied(key)) {
        const want = completions === undefined ? (status.succeeded > 0 ? 0 : parallelism) : Math.min(parallelism, completions - status.succeeded);
        if (active.length > want) {
          await deletePods(job, [...active].sort(compareForDeletion).slice(0, active.length - want), key);
        } else if (active.length < want) {
          let toCreate: (number | undefined)[];
          if (indexed) {
            const busy = new Set([...succeededIdx, ...active.map(indexOf)]);
            toCreate = Array.from({ length: completions ?? 0 }, (_, i) => i).filter((i) => !busy.has(i)).slice(0, want - active.length);
          } else toCreate = Array.from({ length: want - active.length }, () => undefined);
          expectations.expectCreations(key, toCreate.length);
          await Promise.all(toCreate.map((i) => client.create(R.pods, namespace, podFor(job, i)).then(
            (p) => podCreated(rec, job, p.metadata?.name ?? ''),
            (e) => {
              expectations.lowerCreations(key);
              podCreateFailed(rec, job, e);
              throw e;
            },
          )));
        }
      }
      status.active = active.length;
      if (deadline !== undefined && started !== undefined) requeue = Math.max(1, started + deadline * 1000 - now.getTime());
    }
    status.ready = active.filter(isPodReady).length;
    await writeStatus(client, R.jobs, job, status);
    // As upstream: the finish is announced once the status saying so is written.
    if (failure) rec.event(job, 'Warning', failure[0], failure[1]);
    else if (complete) rec.event(job, 'Normal', 'Completed', 'Job completed');
    return requeue === undefined ? {} : { requeueAfterMs: requeue };
  };
}
