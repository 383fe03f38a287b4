// Jobs, CronJobs and Services with kubectl: a Job completes on the simulated nodes (their
// pods exit after kubets.io/sim-exit-after, 1 s by default), a CronJob runs on its schedule
// and by hand, and a Service's EndpointSlices list its ready pods' IPs.

import { pods, running, type Ctx, type Scenario } from './suite.ts';

const jobNames = async (c: Ctx) => (await c.ok(['get', 'jobs', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean);

export const jobScenarios: Scenario[] = [
  {
    title: 'a Job completes: kubectl wait --for=condition=complete',
    id: 'job',
    bothVersions: true,
    async run(c) {
      await c.ok(['create', 'job', 'x', '--image=busybox', '--', 'true']);
      const waited = await c.run(['wait', '--for=condition=complete', 'job/x', '--timeout=60s'], { timeoutMs: 70_000 });
      c.t.is(waited.code, 0, waited.stderr);
      c.t.regex(waited.stdout, /job.batch\/x condition met/);
      c.t.is(await c.ok(['get', 'job', 'x', '-o', 'jsonpath={.status.succeeded}']), '1');
      const done = await pods(c, 'job-name=x');
      c.t.true(done.some((p) => p.phase === 'Succeeded'), JSON.stringify(done));
    },
  },
  {
    title: 'a CronJob creates a Job on its schedule, and kubectl create job --from=cronjob/x runs one now',
    id: 'cronjob',
    timeoutMs: 150_000,
    async run(c) {
      await c.ok(['create', 'cronjob', 'x', '--image=busybox', '--schedule=*/1 * * * *', '--', 'true']);
      await c.ok(['create', 'job', 'now', '--from=cronjob/x']);
      const waited = await c.run(['wait', '--for=condition=complete', 'job/now', '--timeout=60s'], { timeoutMs: 70_000 });
      c.t.is(waited.code, 0, waited.stderr);
      // Cron is minute-granular: the next minute boundary is at most 60 s away.
      const scheduled = await c.waitFor(
        'a Job created by the cronjob controller',
        async () => (await jobNames(c)).find((n) => /^x-\d+$/.test(n)),
        75_000,
      );
      const owner = await c.ok(['get', 'job', scheduled, '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}']);
      c.t.is(owner, 'CronJob/x');
      await c.waitFor('the CronJob records lastScheduleTime', async () => (await c.ok(['get', 'cronjob', 'x', '-o', 'jsonpath={.status.lastScheduleTime}'])) || undefined);
    },
  },
  {
    title: "a Service's EndpointSlices list its ready pods' IPs",
    id: 'endpointslice',
    async run(c) {
      await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=3', '--port=80']);
      await c.ok(['expose', 'deployment', 'web', '--port=80']);
      await c.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 75_000 });
      const ips = running(await pods(c, 'app=web'))
        .map((p) => p.ip)
        .sort();
      c.t.is(ips.length, 3);
      const jp = '{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\\n"}{end}';
      let last = '';
      const listed = await c
        .waitFor(`EndpointSlices of service web listing ${ips.join(', ')}`, async () => {
          const out = await c.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', `jsonpath=${jp}`]);
          const got = out.split('\n').filter(Boolean).sort();
          last = await c.ok(['get', 'endpointslices', '-o', 'json']);
          return JSON.stringify(got) === JSON.stringify(ips) ? got : undefined;
        })
        .catch((e: Error) => {
          throw new Error(`${e.message}; last seen: ${last}`);
        });
      c.t.deepEqual(listed, ips);
      const port = await c.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[0].ports[0].port}']);
      c.t.is(port, '80');
      // Scaling down takes the pod out of the slices.
      await c.ok(['scale', 'deployment/web', '--replicas=1']);
      await c.waitFor('EndpointSlices down to one ready address', async () => {
        const out = await c.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', `jsonpath=${jp}`]);
        return out.split('\n').filter(Boolean).length === 1 ? true : undefined;
      });
    },
  },
];
