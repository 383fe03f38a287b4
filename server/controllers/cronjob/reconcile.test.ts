import test from 'ava';
import { R } from '../common/resources.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import type { Job } from '../job/reconcile.ts';
import { newCronJobReconciler, type CronJob } from './reconcile.ts';

const cronJob = (spec: NonNullable<CronJob['spec']> = {}, status?: CronJob['status']): CronJob => ({
  metadata: { name: 'tick', namespace: 'a', uid: 'cj-uid', creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c' }] } } } }, ...spec },
  status,
});
const ownedJob = (name: string, o: { done?: 'Complete' | 'Failed'; start?: string } = {}): Job => ({
  metadata: { name, namespace: 'a', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true }] },
  status: { startTime: o.start ?? '2025-01-01T00:00:00Z', ...(o.done ? { conditions: [{ type: o.done, status: 'True' }], completionTime: o.start ?? '2025-01-01T00:00:00Z' } : {}) },
});

// 00:07: the 00:05 run is due; 00:05 in minutes since the epoch:
const RUN_0005 = `tick-${Date.parse('2025-01-01T00:05:00Z') / 60_000}`;

interface Case {
  name: string;
  now: string;
  cj: CronJob;
  jobs: Job[];
  expectCreated: string[];
  expectDeleted?: string[];
  expectLastSchedule?: string;
  expectRequeueMs?: number;
}

const cases: Case[] = [
  { name: 'nothing due before the first time', now: '2025-01-01T00:03:00Z', cj: cronJob(), jobs: [], expectCreated: [], expectRequeueMs: 120_100 },
  { name: 'the due time gets a Job named by its minute', now: '2025-01-01T00:07:00Z', cj: cronJob(), jobs: [], expectCreated: [RUN_0005], expectLastSchedule: '2025-01-01T00:05:00Z' },
  { name: 'only the latest of several missed times runs', now: '2025-01-01T00:17:00Z', cj: cronJob(), jobs: [], expectCreated: [`tick-${Date.parse('2025-01-01T00:15:00Z') / 60_000}`] },
  { name: 'a time past startingDeadlineSeconds is skipped', now: '2025-01-01T00:07:00Z', cj: cronJob({ startingDeadlineSeconds: 60 }), jobs: [], expectCreated: [] },
  { name: 'suspended does nothing', now: '2025-01-01T00:07:00Z', cj: cronJob({ suspend: true }), jobs: [], expectCreated: [] },
  { name: 'Forbid waits for the active Job', now: '2025-01-01T00:07:00Z', cj: cronJob({ concurrencyPolicy: 'Forbid' }), jobs: [ownedJob('old')], expectCreated: [] },
  { name: 'Replace deletes the active Job', now: '2025-01-01T00:07:00Z', cj: cronJob({ concurrencyPolicy: 'Replace' }), jobs: [ownedJob('old')], expectCreated: [RUN_0005], expectDeleted: ['old'] },
  {
    name: 'finished Jobs beyond the history limits go, oldest first',
    now: '2025-01-01T00:03:00Z',
    cj: cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 }),
    jobs: [ownedJob('ok1', { done: 'Complete', start: '2024-12-31T00:00:00Z' }), ownedJob('ok2', { done: 'Complete', start: '2024-12-31T01:00:00Z' }), ownedJob('bad', { done: 'Failed' })],
    expectCreated: [], expectDeleted: ['bad', 'ok1'],
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv(c.now);
    env.client.seed(R.cronJobs, c.cj);
    for (const j of c.jobs) env.client.seed(R.jobs, j);
    const result = await newCronJobReconciler(env.ctx)('a/tick');
    t.deepEqual(env.client.writes('create', 'jobs').map((x) => x.name), c.expectCreated);
    t.deepEqual(env.client.writes('delete', 'jobs').map((x) => x.name).sort(), [...(c.expectDeleted ?? [])].sort());
    if (c.expectLastSchedule) t.is(env.client.peek<CronJob>(R.cronJobs, 'a', 'tick')?.status?.lastScheduleTime, c.expectLastSchedule);
    if (c.expectRequeueMs !== undefined) t.is(result.requeueAfterMs, c.expectRequeueMs);
  });
}

test('the created Job is owned by the CronJob and stamped with its scheduled time', async (t) => {
  const env = fakeEnv('2025-01-01T00:07:00Z');
  env.client.seed(R.cronJobs, cronJob());
  await newCronJobReconciler(env.ctx)('a/tick');
  const j = env.client.peek<Job>(R.jobs, 'a', RUN_0005);
  t.is(j?.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2025-01-01T00:05:00Z');
  t.like(j?.metadata?.ownerReferences?.[0], { kind: 'CronJob', uid: 'cj-uid', controller: true });
  t.is(env.client.peek<CronJob>(R.cronJobs, 'a', 'tick')?.status?.active?.[0]?.name, RUN_0005);
});

test('records SuccessfulCreate for the Job it starts and SawCompletedJob for an active one that finished', async (t) => {
  const env = fakeEnv('2025-01-01T00:07:00Z');
  const done: Job = { ...ownedJob('prev', { done: 'Complete' }), metadata: { ...ownedJob('prev').metadata, uid: 'prev-uid' } };
  env.client.seed(R.cronJobs, cronJob({}, { active: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'prev', namespace: 'a', uid: 'prev-uid' }] }));
  env.client.seed(R.jobs, done);
  await newCronJobReconciler(env.ctx)('a/tick');
  t.like(env.recorder.withReason('SawCompletedJob')[0], { component: 'cronjob-controller', kind: 'CronJob', name: 'tick', type: 'Normal', message: 'Saw completed job: prev, condition: Complete' });
  t.like(env.recorder.withReason('SuccessfulCreate')[0], { type: 'Normal', message: `Created job ${RUN_0005}` });
});
