import test from 'ava';
import { Expectations } from '../common/expectations.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { newJobReconciler, formatIndexes, type Job } from './reconcile.ts';

const LABELS = { 'batch.kubernetes.io/controller-uid': 'job-uid', 'batch.kubernetes.io/job-name': 'pi' };
const job = (spec: NonNullable<Job['spec']> = {}, status?: Job['status']): Job => ({
  metadata: { name: 'pi', namespace: 'a', uid: 'job-uid' },
  spec: { selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS }, spec: { restartPolicy: 'Never', containers: [{ name: 'c' }] } }, ...spec },
  status,
});
const pod = (name: string, phase: string, index?: number): Pod => ({
  metadata: { name, namespace: 'a', labels: LABELS, ...(index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(index) } } : {}), ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true }] },
  status: { phase },
});

interface Case {
  name: string;
  job: Job;
  pods: Pod[];
  expectCreates: number;
  expectStatus?: Record<string, unknown>;
  expectCondition?: { type: string; reason: string };
  expectJobGone?: boolean;
  advanceMs?: number;
  /** An event the job-controller recorded on the Job. */
  expectEvent?: { type: string; reason: string; message: string };
}

const cases: Case[] = [
  { name: 'starts parallelism pods', job: job({ parallelism: 2, completions: 5 }), pods: [], expectCreates: 2, expectStatus: { startTime: '2025-01-01T00:00:00Z' } },
  { name: 'never runs more than the completions left', job: job({ parallelism: 3, completions: 4 }), pods: [pod('a', 'Succeeded'), pod('b', 'Succeeded'), pod('c', 'Succeeded')], expectCreates: 1 },
  { name: 'completes at completions', job: job({ completions: 2 }), pods: [pod('a', 'Succeeded'), pod('b', 'Succeeded')], expectCreates: 0, expectStatus: { succeeded: 2, active: 0, completionTime: '2025-01-01T00:00:00Z' }, expectCondition: { type: 'Complete', reason: 'CompletionsReached' }, expectEvent: { type: 'Normal', reason: 'Completed', message: 'Job completed' } },
  { name: 'without completions one success finishes it', job: job({ parallelism: 2 }), pods: [pod('a', 'Succeeded')], expectCreates: 0, expectCondition: { type: 'Complete', reason: 'CompletionsReached' } },
  { name: 'fails past the backoff limit', job: job({ backoffLimit: 1 }), pods: [pod('a', 'Failed'), pod('b', 'Failed')], expectCreates: 0, expectStatus: { failed: 2 }, expectCondition: { type: 'Failed', reason: 'BackoffLimitExceeded' }, expectEvent: { type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' } },
  { name: 'fails past the active deadline', job: job({ activeDeadlineSeconds: 10 }, { startTime: '2024-12-31T23:59:00Z' }), pods: [pod('a', 'Running')], expectCreates: 0, expectCondition: { type: 'Failed', reason: 'DeadlineExceeded' }, expectEvent: { type: 'Warning', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' } },
  { name: 'indexed: creates the missing indexes', job: job({ completionMode: 'Indexed', completions: 3, parallelism: 3 }), pods: [pod('a', 'Succeeded', 1)], expectCreates: 2, expectStatus: { completedIndexes: '1' } },
  {
    name: 'a finished job goes after its TTL',
    job: job({ ttlSecondsAfterFinished: 60 }, { completionTime: '2025-01-01T00:00:00Z', conditions: [{ type: 'Complete', status: 'True' }] }),
    pods: [], expectCreates: 0, expectJobGone: true, advanceMs: 61_000,
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    env.client.seed(R.jobs, c.job);
    for (const p of c.pods) env.client.seed(R.pods, p);
    if (c.advanceMs) env.clock.advance(c.advanceMs);
    await newJobReconciler({ ...env.ctx, expectations: new Expectations(env.clock) })('a/pi');
    t.is(env.client.writes('create').length, c.expectCreates);
    const got = env.client.peek<Job>(R.jobs, 'a', 'pi');
    if (c.expectJobGone) return t.true(got === undefined || got.metadata?.deletionTimestamp !== undefined, 'deleted (foreground)');
    if (c.expectStatus) t.like(got?.status, c.expectStatus);
    if (c.expectCondition) t.like(got?.status?.conditions?.find((x) => x.type === c.expectCondition!.type), { status: 'True', reason: c.expectCondition.reason });
    if (c.expectEvent) t.like(env.recorder.withReason(c.expectEvent.reason)[0], { component: 'job-controller', kind: 'Job', name: 'pi', ...c.expectEvent });
  });
}

test('indexed pods carry their completion index', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.jobs, job({ completionMode: 'Indexed', completions: 2, parallelism: 2 }));
  await newJobReconciler({ ...env.ctx, expectations: new Expectations(env.clock) })('a/pi');
  const idx = env.client.all<Pod>(R.pods, 'a').map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
  t.deepEqual(idx, ['0', '1']);
});

test('records SuccessfulCreate for each pod it starts', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.jobs, job());
  await newJobReconciler({ ...env.ctx, expectations: new Expectations(env.clock) })('a/pi');
  const [p] = env.client.all<Pod>(R.pods, 'a');
  t.like(env.recorder.withReason('SuccessfulCreate')[0], { component: 'job-controller', type: 'Normal', message: `Created pod: ${p.metadata?.name}` });
});

test('formatIndexes compresses runs', (t) => {
  t.is(formatIndexes([0, 1, 2, 5, 7, 8]), '0-2,5,7-8');
});
