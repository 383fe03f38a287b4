import test from 'ava';
import { nodes as nodeType } from '../../api/core/node/index.ts';
import { pods as podType } from '../../api/core/pod/index.ts';
import type { Pod } from '../../api/core/pod/types.ts';
import type { KubeObject } from '../../api/types.ts';
import { FakeClock } from '../../testing/fake-clock.ts';
import type { Client, PatchOptions, PatchType, ResourceRef, WatchOptions } from '../../client/types.ts';
import { patchSchemaOf } from '../../server/apiserver/openapi-wiring.ts';
import { applyStrategicMergePatch } from '../../server/apiserver/patch/index.ts';
import { FakeCluster, settle } from '../../server/scheduler/testing/fake-cluster.ts';
import { silentLogger } from '../../server/log.ts';
import { boundPodsClient, LEASE_RENEW_MS, NODE_STATUS_REPORT_MS, startSimulatedNodes } from './index.ts';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };
const T0 = Date.parse('2024-01-01T00:00:00Z');

/** A FakeCluster whose strategic merge patches merge as the apiserver's do (schema, merge keys, $setElementOrder). */
class Cluster extends FakeCluster {
  override async patch<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const live = this.store(r).get(ns ? `${ns}/${name}` : name);
    if (type !== 'strategic' || !live) return super.patch<T>(r, ns, name, type, patch, opts);
    const merged = applyStrategicMergePatch(live, patch, patchSchemaOf(r.plural === 'pods' ? podType : nodeType));
    const i = this.calls.length; // super.patch records its call before its first await
    const out = super.patch<T>(r, ns, name, 'merge', { status: merged.status }, opts);
    this.calls[i] = { ...this.calls[i], body: patch, opts: { type } };
    return out;
  }
}

/** Moves the fake clock in small steps, letting the async work each timer starts finish (and re-arm) on time. */
async function run(clock: FakeClock, ms: number, step = 100): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await settle();
  }
}

/** Values for `random`, in turn (then 0.5). */
const sequence = (...xs: number[]) => () => xs.shift() ?? 0.5;

async function setup(count = 3, random: () => number = () => 0.5) {
  const cluster = new Cluster();
  const clock = new FakeClock(T0);
  const sim = startSimulatedNodes({ client: cluster, informers: cluster, podInformers: cluster, count, namePrefix: 'sim-node-', log: silentLogger, clock, random });
  await sim.ready;
  await settle();
  return { cluster, clock, sim };
}

function boundPod(name: string, node: string, extra: { restartPolicy?: string; annotations?: Record<string, string>; conditions?: unknown[] } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: extra.annotations },
    spec: { nodeName: node, restartPolicy: extra.restartPolicy ?? 'Always', containers: [{ name: 'main', image: 'nginx' }] },
    status: { phase: 'Pending', qosClass: 'BestEffort', ...(extra.conditions ? { conditions: extra.conditions } : {}) },
  };
}

const getPod = (c: FakeCluster, name: string) => c.objects<Pod>(PODS).find((p) => p.metadata?.name === name);
const renewTimes = (c: FakeCluster, node: string) =>
  c.calls.filter((x) => x.plural === 'leases' && x.verb === 'update' && x.name === node).map((x) => Date.parse((x.body as { spec: { renewTime: string } }).spec.renewTime) - T0);
const nodeStatusPatches = (c: FakeCluster) => c.calls.filter((x) => x.plural === 'nodes' && x.verb === 'patch');
const podStatusPatches = (c: FakeCluster, name: string) => c.calls.filter((x) => x.plural === 'pods' && x.verb === 'patch' && x.name === name);

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

test('each lease is renewed at a random point of the first 10 s, then every 10 s plus up to 4% jitter; stop() ends it', async (t) => {
  // Draws: node 0's offset, node 1's offset, then one jitter per renewal.
  const { cluster, clock, sim } = await setup(2, sequence(0.25, 0.75, 0, 1, 0.5, 0.5));
  await run(clock, 25_000);
  // Each renewal's wait starts when the previous one has finished (a sliding period).
  t.deepEqual(renewTimes(cluster, 'sim-node-0'), [2500, 12_500, 22_700]);
  t.deepEqual(renewTimes(cluster, 'sim-node-1'), [7500, 17_900]);
  t.regex((cluster.objects(LEASES)[0].spec as { renewTime: string }).renewTime, /^2024-01-01T00:00:22\.700000Z$/);
  sim.stop();
  const before = cluster.calls.length;
  clock.advance(60_000);
  await settle();
  t.is(cluster.calls.length, before);
  t.is(clock.pending(), 0, 'no timer left behind');
});

test('1,000 nodes do not renew in lockstep', async (t) => {
  const { cluster, clock, sim } = await setup(1000, Math.random);
  t.teardown(() => sim.stop());
  const perSecond = new Array(10).fill(0);
  for (let s = 0; s < 10; s++) {
    const before = cluster.calls.length;
    clock.advance(1000);
    await settle();
    perSecond[s] = cluster.calls.slice(before).filter((x) => x.plural === 'leases').length;
  }
  t.is(perSecond.reduce((a, b) => a + b, 0), 1000, 'every node renewed once in its first period');
  t.true(Math.max(...perSecond) < 200, `renewals per second: ${perSecond.join(' ')}`);
});

test('node status: nothing posted while unchanged, heartbeat times only every 5 min, and no reads', async (t) => {
  const { cluster, clock, sim } = await setup(2);
  t.teardown(() => sim.stop());
  await run(clock, NODE_STATUS_REPORT_MS - LEASE_RENEW_MS);
  t.is(nodeStatusPatches(cluster).length, 0);
  await run(clock, 2 * LEASE_RENEW_MS);
  const patches = nodeStatusPatches(cluster);
  t.deepEqual(patches.map((p) => p.name).sort(), ['sim-node-0', 'sim-node-1']);
  const body = patches[0].body as { status: Record<string, Array<Record<string, string>>> };
  t.deepEqual(patches[0].opts, { type: 'strategic' });
  t.deepEqual(body.status['$setElementOrder/conditions'], [{ type: 'MemoryPressure' }, { type: 'DiskPressure' }, { type: 'PIDPressure' }, { type: 'Ready' }]);
  t.deepEqual(body.status.conditions.map((c) => Object.keys(c).sort().join(',')), new Array(4).fill('lastHeartbeatTime,type'));
  const ready = (cluster.objects(NODES)[0].status as { conditions: Array<Record<string, string>> }).conditions[3];
  t.like(ready, { type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' });
  t.is(ready.lastHeartbeatTime, '2024-01-01T00:05:00Z');
  t.false(cluster.calls.some((c) => c.plural === 'nodes' && c.verb !== 'create' && c.verb !== 'patch'));
});

test('a node marked Unknown by the node lifecycle controller is Ready again within one period', async (t) => {
  const { cluster, clock, sim } = await setup(1);
  t.teardown(() => sim.stop());
  const node = cluster.objects(NODES)[0];
  const conditions = (node.status as { conditions: Array<Record<string, string>> }).conditions.map((c) => ({ ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }));
  await cluster.patch(NODES, '', 'sim-node-0', 'merge', { status: { conditions } }, { subresource: 'status' });
  await settle();
  await run(clock, LEASE_RENEW_MS * 1.04);
  const [patch] = nodeStatusPatches(cluster).slice(1);
  t.truthy(patch);
  const now = (cluster.objects(NODES)[0].status as { conditions: Array<Record<string, string>> }).conditions;
  t.deepEqual(now.map((c) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  t.like(now[3], { reason: 'KubeletReady', message: 'kubelet is posting ready status' });
  t.not(now[3].lastTransitionTime, '2024-01-01T00:00:00Z');
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

test('the Running patch is strategic, carries the uid and only what changed; the scheduler\'s condition keeps its time', async (t) => {
  const { cluster, sim } = await setup(1);
  t.teardown(() => sim.stop());
  const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2023-12-31T23:59:59Z' };
  await cluster.create(PODS, 'default', boundPod('web', 'sim-node-0', { conditions: [scheduled] }));
  await settle();
  const [call] = podStatusPatches(cluster, 'web');
  t.deepEqual(call.opts, { type: 'strategic' });
  const body = call.body as { metadata: { uid?: string }; status: Record<string, unknown> };
  t.is(body.metadata.uid, getPod(cluster, 'web')?.metadata?.uid);
  t.deepEqual(Object.keys(body.status).sort(), ['$setElementOrder/conditions', 'conditions', 'containerStatuses', 'hostIP', 'hostIPs', 'phase', 'podIP', 'podIPs', 'startTime']);
  t.deepEqual((body.status.conditions as Array<{ type: string }>).map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);
  const conds = getPod(cluster, 'web')?.status?.conditions as Array<Record<string, unknown>>;
  t.deepEqual(conds.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  t.deepEqual(conds[4], scheduled);
});

test('pod events that change nothing of ours send nothing', async (t) => {
  const { cluster, sim } = await setup(1);
  t.teardown(() => sim.stop());
  await cluster.create(PODS, 'default', boundPod('web', 'sim-node-0'));
  await settle();
  const before = cluster.calls.length;
  await cluster.patch(PODS, 'default', 'web', 'merge', { metadata: { labels: { touched: 'yes' } } });
  await cluster.create(PODS, 'default', { ...boundPod('done', 'sim-node-0'), status: { phase: 'Succeeded' } });
  await settle();
  t.deepEqual(cluster.calls.slice(before).map((c) => `${c.verb} ${c.name}`), ['patch web', 'create done'], 'only the test\'s own writes');
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
    // Only what the exit changed: IPs and start time stay out of the patch; Initialized keeps its time.
    const exit = podStatusPatches(cluster, 'job')[1].body as { status: Record<string, unknown> };
    t.deepEqual(Object.keys(exit.status).sort(), ['$setElementOrder/conditions', 'conditions', 'containerStatuses', 'phase']);
    const conds = st.conditions as Array<{ type: string; lastTransitionTime: string }>;
    t.is(conds.find((c) => c.type === 'Initialized')?.lastTransitionTime, '2024-01-01T00:00:00Z');
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

test('boundPodsClient asks only for bound pods, and only for pods', async (t) => {
  const seen: Array<[string, WatchOptions]> = [];
  const stub = {
    list: async (r: ResourceRef, _ns: string, o: WatchOptions = {}) => (seen.push([`list ${r.plural}`, o]), { metadata: {}, items: [] }),
    watch: (r: ResourceRef, _ns: string, o: WatchOptions) => (seen.push([`watch ${r.plural}`, o]), { stop() {}, done: Promise.resolve() }),
  } as unknown as Client;
  const c = boundPodsClient(stub);
  await c.list(PODS, '');
  c.watch(PODS, '', { resourceVersion: '5', fieldSelector: 'status.phase!=Failed' }, () => {});
  await c.list(NODES, '');
  t.deepEqual(seen, [
    ['list pods', { fieldSelector: 'spec.nodeName!=' }],
    ['watch pods', { resourceVersion: '5', fieldSelector: 'status.phase!=Failed,spec.nodeName!=' }],
    ['list nodes', {}],
  ]);
});
