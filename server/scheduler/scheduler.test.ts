import test from 'ava';
import { FakeClock } from '../../testing/fake-clock.ts';
import { silentLogger } from '../log.ts';
import { FakeCluster, settle } from './testing/fake-cluster.ts';
import { makeNode, makePod } from './testing/objects.ts';
import { NODES, PODS, startScheduler, type EventRecorder } from './scheduler.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Pod } from './types.ts';
import type { InformerFactory } from '../../client/types.ts';

interface Recorded {
  name: string;
  type: string;
  reason: string;
  message: string;
}

function setup() {
  const cluster = new FakeCluster();
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  const events: Recorded[] = [];
  const recorder: EventRecorder = {
    event: (obj: KubeObject, type, reason, message) => void events.push({ name: obj.metadata?.name ?? '', type, reason, message }),
  };
  return { cluster, clock, events, recorder };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await settle(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const boundTo = (cluster: FakeCluster) =>
  Object.fromEntries(cluster.objects<Pod>(PODS).filter((p) => p.spec?.nodeName).map((p) => [p.metadata?.name, p.spec?.nodeName]));

test('binds pods that fit, reports the ones that do not with upstream wording', async (t) => {
  const { cluster, clock, events, recorder } = setup();
  await cluster.create(NODES, '', makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }));
  await cluster.create(NODES, '', makeNode('w1', { cpu: '2' }));
  await cluster.create(NODES, '', makeNode('w2', { cpu: '2' }));
  const s = startScheduler({ client: cluster, informers: cluster, log: silentLogger, clock, recorder });
  t.teardown(() => s.stop());
  // Four 1-cpu pods fill both workers: each cycle must see the previous pods as taken.
  for (let i = 0; i < 4; i++) await cluster.create(PODS, 'default', makePod(`p${i}`, { cpu: '1' }));
  await eventually(() => Object.keys(boundTo(cluster)).length === 4, 'four bindings');
  await s.idle();
  const bound = boundTo(cluster);
  t.deepEqual(Object.values(bound).sort(), ['w1', 'w1', 'w2', 'w2']);
  const binding = cluster.calls.find((c) => c.subresource === 'binding' && c.name === 'p0');
  t.like(binding?.body, { kind: 'Binding', metadata: { name: 'p0' }, target: { apiVersion: 'v1', kind: 'Node', name: bound.p0 } });
  t.true(events.some((e) => e.name === 'p0' && e.type === 'Normal' && e.reason === 'Scheduled' && e.message === `Successfully assigned default/p0 to ${bound.p0}`));

  await cluster.create(PODS, 'default', makePod('extra', { cpu: '1' }));
  const want =
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
    'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
  await eventually(() => events.some((e) => e.name === 'extra' && e.reason === 'FailedScheduling'), 'FailedScheduling');
  t.deepEqual(events.find((e) => e.name === 'extra'), { name: 'extra', type: 'Warning', reason: 'FailedScheduling', message: want });
  await eventually(() => !!cluster.objects<Pod>(PODS).find((p) => p.metadata?.name === 'extra')?.status?.conditions, 'PodScheduled condition');
  const extra = cluster.objects<Pod>(PODS).find((p) => p.metadata?.name === 'extra');
  t.like((extra?.status?.conditions as unknown[])[0], { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: want });
  t.is(s.queue.counts().unschedulable, 1);

  // Deleting a bound pod frees a slot: the parked pod is retried after its backoff.
  await cluster.delete(PODS, 'default', 'p0');
  await settle();
  clock.advance(1000);
  await eventually(() => boundTo(cluster).extra === bound.p0, 'the parked pod to take the freed slot');
});

test('only pending pods for this scheduler are scheduled', async (t) => {
  const { cluster, clock, recorder } = setup();
  await cluster.create(NODES, '', makeNode('n1'));
  const s = startScheduler({ client: cluster, informers: cluster, log: silentLogger, clock, recorder, schedulerName: 'my-scheduler' });
  t.teardown(() => s.stop());
  await cluster.create(PODS, 'default', makePod('other', { spec: { schedulerName: 'default-scheduler' } }));
  await cluster.create(PODS, 'default', makePod('mine', { spec: { schedulerName: 'my-scheduler' } }));
  await cluster.create(PODS, 'default', makePod('preset', { spec: { schedulerName: 'my-scheduler', nodeName: 'n1' } }));
  await eventually(() => boundTo(cluster).mine === 'n1', 'mine bound');
  await settle();
  t.deepEqual(cluster.calls.filter((c) => c.subresource === 'binding').map((c) => c.name), ['mine']);
  t.is(s.cache.get('n1')?.pods.size, 2, 'the preset pod counts on its node');
});

test('a failed binding is forgotten and retried after backoff', async (t) => {
  const { cluster, clock, events, recorder } = setup();
  await cluster.create(NODES, '', makeNode('n1', { cpu: '1' }));
  cluster.failNext('create', 'binding', Object.assign(new Error('etcdserver: request timed out'), { code: 500 }));
  const s = startScheduler({ client: cluster, informers: cluster, log: silentLogger, clock, recorder });
  t.teardown(() => s.stop());
  await cluster.create(PODS, 'default', makePod('p', { cpu: '1' }));
  await eventually(() => events.some((e) => e.message === 'Binding rejected: etcdserver: request timed out'), 'binding failure event');
  t.is(s.cache.get('n1')?.pods.size, 0, 'the assumed pod no longer counts');
  clock.advance(1000);
  await eventually(() => boundTo(cluster).p === 'n1', 'retry');
});

test('pods created before any node wait for a node to be added', async (t) => {
  const { cluster, clock, events, recorder } = setup();
  const s = startScheduler({ client: cluster, informers: cluster, log: silentLogger, clock, recorder });
  t.teardown(() => s.stop());
  await cluster.create(PODS, 'default', makePod('early'));
  await eventually(() => events.some((e) => e.message === 'no nodes available to schedule pods'), 'no nodes event');
  await cluster.create(NODES, '', makeNode('late'));
  await settle();
  clock.advance(1000);
  await eventually(() => boundTo(cluster).early === 'late', 'bound after the node appears');
  t.pass();
});

test('a pod waiting for affinity to a pod that is not yet bound is retried when that pod gets bound', async (t) => {
  const { cluster, clock, events, recorder } = setup();
  await cluster.create(NODES, '', makeNode('n1'));
  await cluster.create(NODES, '', makeNode('n2'));
  const s = startScheduler({ client: cluster, informers: cluster, log: silentLogger, clock, recorder });
  t.teardown(() => s.stop());
  const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  await cluster.create(PODS, 'default', makePod('web', { spec: { affinity } }));
  await eventually(() => events.some((e) => e.name === 'web' && e.reason === 'FailedScheduling'), 'web unschedulable');
  // The db pod is created unassigned; its binding turns it into an assigned pod, which upstream
  // handles as an assigned-pod Add: pods parked by InterPodAffinity move (after their backoff).
  await cluster.create(PODS, 'default', makePod('db', { labels: { app: 'db' } }));
  await eventually(() => !!boundTo(cluster).db, 'db bound');
  await settle();
  clock.advance(2000);
  await eventually(() => !!boundTo(cluster).web, 'web bound well before the 5-minute flush');
  t.is(boundTo(cluster).web, boundTo(cluster).db, 'web runs next to db');
});

test('a scheduler stopped before its informers sync (a lost lease, a shutdown) stops quietly', async (t) => {
  const { cluster, clock, recorder } = setup();
  let reject: (e: Error) => void = () => {};
  const informers: InformerFactory = {
    informer: (r) => cluster.informer(r),
    start: () => cluster.start(),
    stop: () => cluster.stop(),
    waitForSync: () => new Promise<void>((_, r) => (reject = r)),
  };
  const s = startScheduler({ client: cluster, informers, log: silentLogger, clock, recorder });
  s.stop();
  // The factory rejects its sync promise on stop; that must not become an unhandled rejection
  // (which ends the process), and nothing gets scheduled.
  reject(new Error('informer for pods stopped before it synced'));
  await cluster.create(NODES, '', makeNode('w1'));
  await cluster.create(PODS, 'default', makePod('p0'));
  await settle(5);
  t.deepEqual(boundTo(cluster), {});
});
