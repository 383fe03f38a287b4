import test from 'ava';
import type { KubeObject } from '../types.ts';
import { cronJobStrategy } from './cron-job/strategy.ts';
import { nextAfter, parseSchedule } from './cron-job/schedule.ts';
import { jobStrategy } from './job/strategy.ts';

const ctx = { now: new Date(0) };
const podTemplate = (restartPolicy = 'Never') => ({ spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox:1' }] } });
const msgs = (errs: Array<{ field: string; detail: string }>) => errs.map((e) => `${e.field}: ${e.detail}`);

function job(spec: Record<string, unknown>, name = 'pi'): KubeObject {
  const j: KubeObject = { metadata: { name, namespace: 'default', uid: 'u-1' }, spec };
  jobStrategy.prepareForCreate!(j, ctx);
  return j;
}

test('job defaults and the generated selector and labels', (t) => {
  const j = job({ template: podTemplate() });
  t.like(j.spec, {
    completions: 1,
    parallelism: 1,
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    suspend: false,
    manualSelector: false,
    podReplacementPolicy: 'TerminatingOrFailed',
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
  });
  t.deepEqual((j.spec as { template: { metadata: unknown } }).template.metadata, {
    labels: {
      'batch.kubernetes.io/controller-uid': 'u-1',
      'controller-uid': 'u-1',
      'batch.kubernetes.io/job-name': 'pi',
      'job-name': 'pi',
    },
  });
  t.deepEqual(j.status, {});
  t.deepEqual(msgs(jobStrategy.validate!(j)), []);
});

test('job: parallelism alone leaves completions unset (work queue)', (t) => {
  const j = job({ parallelism: 3, template: podTemplate() });
  t.is((j.spec as { completions?: number }).completions, undefined);
});

const jobErrors: Array<[string, Record<string, unknown>, string[]]> = [
  ['restartPolicy Always', { template: podTemplate('Always') }, ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
  ['defaulted restartPolicy is Always too', { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } }, ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
  ['user selector without manualSelector', { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, ...podTemplate() } }, [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b", "batch.kubernetes.io/controller-uid":"u-1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
  ]],
  ['manual selector must match', { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, ...podTemplate() } }, [
    'spec.template.metadata.labels: Invalid value: map[string]string{"a":"c"}: `selector` does not match template `labels`',
  ]],
  ['negative backoff', { backoffLimit: -1, template: podTemplate() }, ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
  ['indexed without completions', { completionMode: 'Indexed', parallelism: 2, template: podTemplate() }, ['spec.completions: Required value: when completion mode is Indexed']],
];
for (const [title, spec, want] of jobErrors) {
  test(`job validation: ${title}`, (t) => t.deepEqual(msgs(jobStrategy.validate!(job(spec))), want));
}

test('job update: template and completions are immutable', (t) => {
  const old = job({ template: podTemplate() });
  const next = structuredClone(old);
  const spec = next.spec as { completions: number; template: { spec: { containers: Array<{ image: string }> } } };
  spec.completions = 2;
  spec.template.spec.containers[0].image = 'busybox:2';
  t.deepEqual(jobStrategy.validateUpdate!(next, old).map((e) => e.field), ['spec.completions', 'spec.template']);
});

test('cronjob defaults and validation', (t) => {
  const cj: KubeObject = { metadata: { name: 'tick', namespace: 'default' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate('OnFailure') } } } };
  cronJobStrategy.prepareForCreate!(cj, ctx);
  t.like(cj.spec, { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  t.like(cj.spec, { jobTemplate: { spec: { template: { spec: { dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 } } } } });
  t.deepEqual(msgs(cronJobStrategy.validate!(cj)), []);
  const bad = structuredClone(cj);
  Object.assign(bad.spec as object, { schedule: 'TZ=UTC 0 * * * *', timeZone: 'Mars/Olympus' });
  bad.metadata!.name = 'x'.repeat(53);
  t.deepEqual(msgs(cronJobStrategy.validate!(bad)), [
    `metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`,
    'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
  ]);
});

const scheduleErrors: Array<[string, string]> = [
  ['', 'empty spec string'],
  ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
  ['60 * * * *', 'end of range (60) above maximum (59): 60'],
  ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
  ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
  ['*/0 * * * *', 'step of range should be a positive number: */0'],
  ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
  ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
  ['@often', 'unrecognized descriptor: @often'],
  ['* * * foo *', 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax'],
];
for (const [spec, message] of scheduleErrors) {
  test(`schedule error: ${JSON.stringify(spec)}`, (t) => {
    t.throws(() => parseSchedule(spec), { message });
  });
}

const nextCases: Array<[string, string, string, string?]> = [
  ['*/15 * * * *', '2024-03-01T10:07:30Z', '2024-03-01T10:15:00Z'],
  ['0 * * * *', '2024-03-01T10:00:00Z', '2024-03-01T11:00:00Z'],
  ['@hourly', '2024-03-01T23:30:00Z', '2024-03-02T00:00:00Z'],
  ['30 9 * * MON-FRI', '2024-03-01T10:00:00Z', '2024-03-04T09:30:00Z'], // Friday after 9:30 -> Monday
  ['0 0 1 jan *', '2024-03-01T00:00:00Z', '2025-01-01T00:00:00Z'],
  ['0 0 13 * 5', '2024-03-01T12:00:00Z', '2024-03-08T00:00:00Z'], // day 13 OR Friday
  ['0 0 29 2 *', '2025-01-01T00:00:00Z', '2028-02-29T00:00:00Z'],
  ['0 9 * * *', '2024-03-01T00:00:00Z', '2024-03-01T08:00:00Z', 'Europe/Berlin'],
  ['0 2 * * *', '2024-03-09T12:00:00Z', '2024-03-10T07:00:00Z', 'America/New_York'], // 02:00 skipped by DST -> resolved forward
  ['@every 1h30m', '2024-03-01T00:00:00Z', '2024-03-01T01:30:00Z'],
];
for (const [spec, after, want, tz] of nextCases) {
  test(`schedule next: ${spec} after ${after}${tz ? ` in ${tz}` : ''}`, (t) => {
    t.is(nextAfter(parseSchedule(spec), new Date(after), tz)?.toISOString(), new Date(want).toISOString());
  });
}

test('schedule that never fires', (t) => {
  t.is(nextAfter(parseSchedule('0 0 30 2 *'), new Date('2024-01-01T00:00:00Z')), undefined);
});
