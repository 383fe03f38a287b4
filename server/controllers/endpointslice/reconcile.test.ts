import test from 'ava';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import type { Service } from '../common/service.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { service, servingPod } from '../../../testing/controllers/services.ts';
import { newEndpointSliceReconciler, type EndpointSlice } from './reconcile.ts';

interface Case {
  name: string;
  svc?: Service;
  pods: Pod[];
  existing?: EndpointSlice[];
  /** per slice: [addressType, [ip, ready][]]; null: no slices */
  expect: [string, [string, boolean][]][] | null;
}

const ours = (name: string): EndpointSlice => ({
  metadata: { name, namespace: 'a', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
  addressType: 'IPv4', endpoints: [], ports: [],
});

const cases: Case[] = [
  { name: 'one slice with ready and not ready endpoints', svc: service(), pods: [servingPod('p1', '10.1.0.1'), servingPod('p2', '10.1.0.2', { ready: false })], expect: [['IPv4', [['10.1.0.1', true], ['10.1.0.2', false]]]] },
  { name: 'IPv6 pods get their own slice', svc: service(), pods: [servingPod('p1', '10.1.0.1'), servingPod('p2', 'fd00::2')], expect: [['IPv4', [['10.1.0.1', true]]], ['IPv6', [['fd00::2', true]]]] },
  { name: 'a Service with no pods has one empty slice', svc: service(), pods: [], expect: [['IPv4', []]] },
  { name: 'the slices of a deleted Service go', pods: [], existing: [ours('web-abc')], expect: null },
  { name: 'surplus slices go', svc: service(), pods: [servingPod('p1', '10.1.0.1')], existing: [ours('web-1'), ours('web-2')], expect: [['IPv4', [['10.1.0.1', true]]]] },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    if (c.svc) env.client.seed(R.services, c.svc);
    for (const p of c.pods) env.client.seed(R.pods, p);
    for (const s of c.existing ?? []) env.client.seed(R.endpointSlices, s);
    const reconcile = newEndpointSliceReconciler(env.ctx);
    await reconcile('a/web');
    const writes = env.client.calls.length;
    await reconcile('a/web');
    t.is(env.client.calls.length, writes, 'the second pass writes nothing');
    const slices = env.client.all<EndpointSlice>(R.endpointSlices, 'a').sort((a, b) => ((a.addressType ?? '') < (b.addressType ?? '') ? -1 : 1));
    if (c.expect === null) return t.is(slices.length, 0);
    t.deepEqual(slices.map((s) => [s.addressType, (s.endpoints ?? []).map((e) => [e.addresses[0], e.conditions.ready])]), c.expect);
    for (const s of slices) {
      t.like(s.metadata?.labels, { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', tier: 'front' });
      t.like(s.metadata?.ownerReferences?.[0], { kind: 'Service', name: 'web', controller: true });
    }
  });
}

test('ports are the resolved target ports with the service port names', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.services, service());
  env.client.seed(R.pods, servingPod('p1', '10.1.0.1'));
  await newEndpointSliceReconciler(env.ctx)('a/web');
  t.deepEqual(env.client.all<EndpointSlice>(R.endpointSlices, 'a')[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

test('a sync before the cache has seen our own new slice waits instead of creating a second one', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.services, service());
  env.client.seed(R.pods, servingPod('p1', '10.1.0.1'));
  const reconcile = newEndpointSliceReconciler(env.ctx);
  env.informers.pause(); // the informer lags: our create is not in the cache yet
  await reconcile('a/web');
  env.client.seed(R.pods, servingPod('p2', '10.1.0.2')); // a pod event queues the Service again
  t.deepEqual(await reconcile('a/web'), { requeueAfterMs: 100 }, 'stale cache: look again soon');
  t.is(env.client.all(R.endpointSlices, 'a').length, 1, 'no second slice with the same endpoints');
  env.informers.resume();
  t.deepEqual(await reconcile('a/web'), {});
  const slices = env.client.all<EndpointSlice>(R.endpointSlices, 'a');
  t.deepEqual(slices.map((s) => (s.endpoints ?? []).map((e) => e.addresses[0])), [['10.1.0.1', '10.1.0.2']]);
});

test('a slice of ours deleted by someone else is made again, not waited for', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.services, service());
  env.client.seed(R.pods, servingPod('p1', '10.1.0.1'));
  const reconcile = newEndpointSliceReconciler(env.ctx);
  await reconcile('a/web');
  const [first] = env.client.all<EndpointSlice>(R.endpointSlices, 'a');
  await env.client.delete(R.endpointSlices, 'a', first!.metadata!.name!);
  t.deepEqual(await reconcile('a/web'), {});
  const slices = env.client.all<EndpointSlice>(R.endpointSlices, 'a');
  t.is(slices.length, 1);
  t.not(slices[0]!.metadata?.name, first!.metadata?.name);
});
