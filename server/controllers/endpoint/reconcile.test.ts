import test from 'ava';
import type { KubeObject } from '../../../api/types.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import type { Service } from '../common/service.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { service, servingPod } from '../../../testing/controllers/services.ts';
import { newEndpointReconciler } from './reconcile.ts';

interface Case {
  name: string;
  svc?: Service;
  pods: Pod[];
  existing?: KubeObject;
  /** expected subsets as [ready ips, not-ready ips, port] per subset; null: no Endpoints object */
  expect: [string[], string[], number | undefined][] | null;
}

const cases: Case[] = [
  { name: 'ready pods are addresses with the named target port resolved', svc: service(), pods: [servingPod('p1', '10.1.0.2'), servingPod('p2', '10.1.0.1')], expect: [[['10.1.0.1', '10.1.0.2'], [], 8080]] },
  { name: 'not ready pods are notReadyAddresses', svc: service(), pods: [servingPod('p1', '10.1.0.1', { ready: false })], expect: [[[], ['10.1.0.1'], 8080]] },
  { name: 'pods without an IP, terminating or unselected are left out', svc: service(), pods: [servingPod('p1', undefined), servingPod('p2', '10.1.0.2', { deleting: true }), servingPod('p3', '10.1.0.3', { labels: { app: 'x' } })], expect: [] },
  { name: 'a pod without the named port is left out', svc: service(), pods: [servingPod('p1', '10.1.0.1', { portName: 'grpc' })], expect: [] },
  { name: 'a numeric target port needs no lookup', svc: service({ targetPort: 9000 }), pods: [servingPod('p1', '10.1.0.1', { portName: 'grpc' })], expect: [[['10.1.0.1'], [], 9000]] },
  { name: 'a Service without a selector is left to its user', svc: service({ selector: null }), pods: [servingPod('p1', '10.1.0.1')], expect: null },
  { name: 'the Endpoints of a deleted Service go', pods: [], existing: { metadata: { name: 'web', namespace: 'a' }, subsets: [] }, expect: null },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const env = fakeEnv();
    if (c.svc) env.client.seed(R.services, c.svc);
    for (const p of c.pods) env.client.seed(R.pods, p);
    if (c.existing) env.client.seed(R.endpoints, c.existing);
    const reconcile = newEndpointReconciler(env.ctx);
    await reconcile('a/web');
    await reconcile('a/web');
    const ep = env.client.peek<KubeObject & { subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports?: { port: number }[] }[] }>(R.endpoints, 'a', 'web');
    if (c.expect === null) return t.is(ep, undefined);
    t.deepEqual((ep?.subsets ?? []).map((s) => [(s.addresses ?? []).map((a) => a.ip), (s.notReadyAddresses ?? []).map((a) => a.ip), s.ports?.[0]?.port]), c.expect);
    t.is(ep?.metadata?.labels?.tier, 'front');
    t.true(env.client.writes().length <= 1, 'the second pass writes nothing');
  });
}

test('addresses carry nodeName and a targetRef to the pod', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.services, service());
  const p = env.client.seed(R.pods, servingPod('p1', '10.1.0.1'));
  await newEndpointReconciler(env.ctx)('a/web');
  const ep = env.client.peek<KubeObject & { subsets: { addresses: unknown[] }[] }>(R.endpoints, 'a', 'web');
  t.deepEqual(ep?.subsets[0].addresses[0], { ip: '10.1.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'a', name: 'p1', uid: p.metadata?.uid } });
});
