import test from 'ava';
import type { Pod } from '../../api/core/pod/types.ts';
import type { KubeObject } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import type { ResourceRef } from '../../client/types.ts';
import { FakeCluster, settle } from '../../server/scheduler/testing/fake-cluster.ts';
import { silentLogger } from '../../server/log.ts';
import { startSimulatedNodes } from './index.ts';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };

async function setup(count = 3) {
  const cluster = new FakeCluster();
  const clock = new FakeClock(new Date('2024-01-01T00:00:00Z'));
  const sim = startSimulatedNodes({ client: cluster, informers: cluster, count, namePrefix: 'sim-node-', log: silentLogger, clock });
  await sim.ready;
  return { cluster, clock, sim };
}

function boundPod(name: string, node: string, extra: { restartPolicy?: string; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: extra.annotations },
    spec: { nodeName: node, restartPolicy: extra.restartPolicy ?? 'Always', containers: [{ name: 'main', image: 'nginx' }] },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

const getPod = (c: FakeCluster, name: string) => c.objects<Pod>(PODS).find((p) => p.metadata?.name === name);

test('registers nodes spread over zones, each with a lease', async (t) => {
  const { cluster, sim } = await setup();
  t.teardown(() => sim.stop());
  t.deepEqual(sim.names, ['sim-node-0', 'sim-node-1', 'sim-node-2']);
  const zones = cluster.objects(NODES).map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone']);
  t.deepEqual(zones, ['zone-a', 'zone-b', 'zone-c']);
  const leases = cluster.objects(LEASES);
  t.is(leases.length, 3);
  t.like(leases[0], { metadata: { namespace: 'kube-node-lease', ownerReferences: [{ kind: 'Node', uid: cluster.objects(NODES)[0].metadata?.uid }] } });
});

test('renews leases every 10 s, heartbeats status every minute, and stops on stop()', async (t) => {
  const { cluster, clock, sim } = await setup(2);
  const renewals = () => cluster.calls.filter((c) => c.plural === 'leases' && c.verb === 'update').length;
  clock.advance(10_000);
  await settle();
  t.is(renewals(), 2);
  const lease = cluster.objects(LEASES)[0];
  t.regex((lease.spec as { renewTime: string }).renewTime, /^2024-01-01T00:00:\d\d\.\d{6}Z$/);
  clock.advance(60_000);
  await settle(20);
  // Staggered: node 0 beats at 0 s and 60 s, node 1 at ~8 s and ~68 s.
  t.is(cluster.calls.filter((c) => c.plural === 'nodes' && c.verb === 'patch' && c.subresource === 'status').length, 4);
  sim.stop();
  const before = renewals();
  clock.advance(60_000);
  await settle();
  t.is(renewals(), before);
});

test('a bound pod starts running with an IP from its node', async (t) => {
  const { cluster, sim } = await setup();
  t.teardown(() => sim.stop());
  await cluster.create(PODS, 'default', boundPod('web', 'sim-node-1'));
  await cluster.create(PODS, 'default', boundPod('web2', 'sim-node-1'));
  await cluster.create(PODS, 'default', boundPod('elsewhere', 'real-node'));
  await settle();
  const web = getPod(cluster, 'web');
  t.like(web?.status, { phase: 'Running', hostIP: '10.244.1.1', podIP: '10.244.1.2', qosClass: 'BestEffort' });
  t.is(getPod(cluster, 'web2')?.status?.podIP, '10.244.1.3');
  t.is(getPod(cluster, 'elsewhere')?.status?.phase, 'Pending', 'pods on other nodes are not ours');
});

const exitCases: Array<{ name: string; extra: { restartPolicy?: string; annotations?: Record<string, string> }; at: number; phase: string; exitCode: number }> = [
  { name: 'a Job pod completes after 1 s', extra: { restartPolicy: 'Never' }, at: 1000, phase: 'Succeeded', exitCode: 0 },
  { name: 'the annotation delays the exit', extra: { annotations: { 'kubets.io/sim-exit-after': '2s' } }, at: 2000, phase: 'Succeeded', exitCode: 0 },
  { name: 'a non-zero exit code fails the pod', extra: { restartPolicy: 'OnFailure', annotations: { 'kubets.io/sim-exit-code': '1' } }, at: 1000, phase: 'Failed', exitCode: 1 },
];
for (const tc of exitCases) {
  test(tc.name, async (t) => {
    const { cluster, clock, sim } = await setup(1);
    t.teardown(() => sim.stop());
    await cluster.create(PODS, 'default', boundPod('job', 'sim-node-0', tc.extra));
    await settle();
    t.is(getPod(cluster, 'job')?.status?.phase, 'Running');
    clock.advance(tc.at - 1);
    await settle();
    t.is(getPod(cluster, 'job')?.status?.phase, 'Running');
    clock.advance(1);
    await settle();
    const st = getPod(cluster, 'job')?.status as Record<string, unknown>;
    t.is(st.phase, tc.phase);
    t.like((st.containerStatuses as unknown[])[0], { state: { terminated: { exitCode: tc.exitCode } } });
  });
}

test('a gracefully deleted pod is finalized with grace 0 and a uid precondition; its IP returns to the pool', async (t) => {
  const { cluster, clock, sim } = await setup(1);
  t.teardown(() => sim.stop());
  await cluster.create(PODS, 'default', boundPod('web', 'sim-node-0'));
  await settle();
  const pod = getPod(cluster, 'web') as Pod;
  await cluster.patch(PODS, 'default', 'web', 'merge', { metadata: { deletionTimestamp: clock.now().toISOString(), deletionGracePeriodSeconds: 30 } });
  await settle();
  const del = cluster.calls.find((c) => c.verb === 'delete' && c.name === 'web');
  t.deepEqual(del?.opts, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
  t.is(getPod(cluster, 'web'), undefined);
  // Addresses are handed out in order, freed ones again after the rest (as host-local IPAM).
  for (let i = 0; i < 253; i++) await cluster.create(PODS, 'default', boundPod(`p${i}`, 'sim-node-0'));
  await settle();
  t.is(getPod(cluster, 'p0')?.status?.podIP, '10.244.0.3');
  t.is(getPod(cluster, 'p252')?.status?.podIP, '10.244.0.2');
});
