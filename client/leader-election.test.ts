import test from 'ava';
import type { KubeObject } from '../api/types.ts';
import { createLeaderElector, LEASES, type LeaderElector, type LeaseSpec } from './leader-election.ts';
import { microTime } from '../api/meta/time.ts';
import { isConflict } from './errors.ts';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.ts';

let ts: TestServer;
test.before(async () => {
  ts = await startTestServer();
});
test.after.always(async () => {
  await ts?.close();
});

const fast = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 100 };

interface Candidate {
  id: string;
  elector: LeaderElector;
  stop: AbortController;
  started: number;
  stopped: number;
  running: Promise<void>;
}

function candidate(lease: string, id: string, releaseOnCancel: boolean): Candidate {
  const c: Candidate = { id, stop: new AbortController(), started: 0, stopped: 0 } as Candidate;
  c.elector = createLeaderElector({
    client: ts.client(),
    namespace: 'default',
    name: lease,
    identity: id,
    releaseOnCancel,
    ...fast,
    onStartedLeading: () => void c.started++,
    onStoppedLeading: () => void c.stopped++,
  });
  c.running = c.elector.run(c.stop.signal);
  return c;
}

const takeovers = [
  { name: 'released on stop: the other takes over at once', release: true, maxMs: 1000 },
  { name: 'not released: the other takes over after the lease expires', release: false, maxMs: 4000 },
];

for (const tc of takeovers) {
  test(`leader election: ${tc.name}`, async (t) => {
    const lease = `lease-${tc.release ? 'rel' : 'norel'}`;
    const a = candidate(lease, 'a', tc.release);
    const b = candidate(lease, 'b', tc.release);
    t.teardown(() => {
      a.stop.abort();
      b.stop.abort();
    });
    await eventually(() => a.elector.isLeader() || b.elector.isLeader(), 5000, 'a leader');
    await new Promise((r) => setTimeout(r, 400)); // a few renew periods: still exactly one
    const [leader, other] = a.elector.isLeader() ? [a, b] : [b, a];
    t.false(other.elector.isLeader());
    t.is(leader.started, 1);
    t.is(other.started, 0);
    t.is(other.elector.leader(), leader.id);

    leader.stop.abort();
    await leader.running;
    t.is(leader.stopped, 1);
    const began = Date.now();
    await eventually(() => other.elector.isLeader(), 6000, 'takeover');
    t.true(Date.now() - began < tc.maxMs, `took ${Date.now() - began} ms`);
    t.is(other.started, 1);

    const l = await ts.client().get<KubeObject & { spec: LeaseSpec }>(LEASES, 'default', lease);
    t.is(l.spec.holderIdentity, other.id);
    t.is(l.spec.leaseTransitions, 1);
    t.is(l.spec.leaseDurationSeconds, 2);
    t.regex(l.spec.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
}

test('leader election: a leader that cannot renew steps down within renewDeadline', async (t) => {
  const a = candidate('lease-stolen', 'a', false);
  t.teardown(() => a.stop.abort());
  await eventually(() => a.elector.isLeader(), 5000, 'a leads');
  // Someone else writes the Lease (as if a's renewals were failing while another took it).
  const c = ts.client();
  // a renews every 100 ms, so our write may lose the race: retry on conflict, as any writer would.
  for (;;) {
    const l = await c.get<KubeObject & { spec: LeaseSpec }>(LEASES, 'default', 'lease-stolen');
    try {
      await c.update(LEASES, 'default', { ...l, spec: { ...l.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60 } });
      break;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
  await a.running; // returns on its own
  t.false(a.elector.isLeader());
  t.is(a.stopped, 1);
  t.is(a.elector.leader(), 'intruder');
});

test('leader election: MicroTime and config checks', (t) => {
  const cases: Array<[string, string]> = [
    ['2006-01-02T15:04:05.000Z', '2006-01-02T15:04:05.000000Z'],
    ['2024-12-31T23:59:59.123Z', '2024-12-31T23:59:59.123000Z'],
  ];
  for (const [iso, want] of cases) t.is(microTime(new Date(iso)), want);
  t.throws(() => createLeaderElector({ client: ts.client(), namespace: 'x', name: 'y', identity: 'z', leaseDurationMs: 1000, renewDeadlineMs: 2000, onStartedLeading() {}, onStoppedLeading() {} }), {
    message: /leaseDuration > renewDeadline/,
  });
});
