// The cloud-controller-manager against a real apiserver: load-balancer addresses from a pool
// and from node addresses, an exhausted pool, loadBalancerClass, the finalizer, and the node
// controller lifting the uninitialized taint.
import test from 'ava';
import { createInformerFactory } from '../../client/informer.ts';
import { startTestServer, eventually, events as EVENTS, type TestServer } from '../../testing/test-server.ts';
import { systemClock } from '../../client/clock.ts';
import { silentLogger } from '../log.ts';
import { NODES, SERVICES, type Service } from '../../node/proxy/types.ts';
import { startCloudControllerManager } from './index.ts';
import { LB_FINALIZER } from './service-lb.ts';
import { UNINITIALIZED_TAINT, type CloudNode } from './cloud-node.ts';

async function start(t: { teardown(fn: () => Promise<void>): void }, pool?: string[]): Promise<TestServer> {
  const ts = await startTestServer();
  const client = ts.client();
  const informers = createInformerFactory(client);
  const ccm = startCloudControllerManager({ client, informers, log: silentLogger, clock: systemClock, loadBalancerPool: pool });
  t.teardown(async () => {
    await ccm.stop();
    informers.stop();
    await ts.close();
  });
  return ts;
}

const lb = (name: string, port = 80, extra: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { type: 'LoadBalancer', ports: [{ port, protocol: 'TCP' }], ...extra } });
const ingress = (s: Service) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);

test('a pool: one address each, pending with an event when exhausted, freed on delete', async (t) => {
  const ts = await start(t, ['192.0.2.10-192.0.2.11']);
  const c = ts.client();
  const get = (n: string) => c.get<Service>(SERVICES, 'default', n);
  await c.create(SERVICES, 'default', lb('a'));
  await eventually(async () => ingress(await get('a')).length === 1, 5000, 'a gets an address');
  await c.create(SERVICES, 'default', lb('b'));
  await eventually(async () => ingress(await get('b')).length === 1, 5000, 'b gets an address');
  t.deepEqual([...ingress(await get('a')), ...ingress(await get('b'))].sort(), ['192.0.2.10', '192.0.2.11']);
  t.true((await get('a')).metadata?.finalizers?.includes(LB_FINALIZER));

  await c.create(SERVICES, 'default', lb('c'));
  await eventually(async () => (await c.list(EVENTS, 'default')).items.some((e) => (e as { reason?: string; involvedObject?: { name?: string } }).reason === 'SyncLoadBalancerFailed' && (e as { involvedObject?: { name?: string } }).involvedObject?.name === 'c'), 5000, 'pending event');
  const ev = (await c.list(EVENTS, 'default')).items.find((e) => (e as { reason?: string }).reason === 'SyncLoadBalancerFailed') as { type?: string; message?: string };
  t.is(ev.type, 'Warning');
  t.regex(ev.message ?? '', /^Error syncing load balancer: failed to ensure load balancer: no address left in the load-balancer pool \(2 of 2 in use\)/);
  t.deepEqual(ingress(await get('c')), []);

  const freed = ingress(await get('a'))[0];
  await c.delete(SERVICES, 'default', 'a');
  await eventually(async () => (await c.get(SERVICES, 'default', 'a').then(() => false, () => true)), 5000, 'a deleted once its finalizer is gone');
  await eventually(async () => ingress(await get('c'))[0] === freed, 5000, 'c gets the freed address');

  await c.create(SERVICES, 'default', lb('other', 80, { loadBalancerClass: 'example.com/other' }));
  await c.create(SERVICES, 'default', lb('wants', 80, { loadBalancerIP: '198.51.100.1' }));
  await eventually(async () => (await c.list(EVENTS, 'default')).items.some((e) => /not in the load-balancer pool/.test((e as { message?: string }).message ?? '')), 5000, 'out-of-pool request refused');
  const other = await get('other');
  t.deepEqual(ingress(other), [], 'another class is left alone');
  t.falsy(other.metadata?.finalizers?.length);
});

test('no pool: node addresses, shared while ports differ; the node controller initializes nodes', async (t) => {
  const ts = await start(t);
  const c = ts.client();
  await c.create(NODES, '', {
    metadata: { name: 'n1', annotations: { 'kubets.io/internal-ip': '10.0.0.5' } },
    spec: { taints: [{ key: UNINITIALIZED_TAINT, value: 'true', effect: 'NoSchedule' }, { key: 'keep', effect: 'NoSchedule' }] },
  });
  await eventually(async () => !(await c.get<CloudNode>(NODES, '', 'n1')).spec?.taints?.some((x) => x.key === UNINITIALIZED_TAINT), 5000, 'taint removed');
  const node = await c.get<CloudNode>(NODES, '', 'n1');
  t.is(node.spec?.providerID, 'kubets://n1');
  t.deepEqual(node.spec?.taints?.map((x) => x.key), ['keep']);
  t.deepEqual(node.status?.addresses, [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }]);

  await c.create(SERVICES, 'default', lb('web', 80));
  await eventually(async () => ingress(await c.get<Service>(SERVICES, 'default', 'web'))[0] === '10.0.0.5', 5000, 'node address');
  await c.create(SERVICES, 'default', lb('api', 8443));
  await eventually(async () => ingress(await c.get<Service>(SERVICES, 'default', 'api'))[0] === '10.0.0.5', 5000, 'shared address');
  await c.create(SERVICES, 'default', lb('clash', 80));
  await eventually(async () => (await c.list(EVENTS, 'default')).items.some((e) => /port 80\/TCP is already used on the node addresses by default\/web/.test((e as { message?: string }).message ?? '')), 5000, 'port clash event');
  t.deepEqual(ingress(await c.get<Service>(SERVICES, 'default', 'clash')), []);

  // Back to ClusterIP: the address and the finalizer go.
  const web = await c.get<Service>(SERVICES, 'default', 'web');
  await c.update(SERVICES, 'default', { ...web, spec: { ...web.spec, type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], externalTrafficPolicy: undefined, allocateLoadBalancerNodePorts: undefined } } as Service);
  await eventually(async () => {
    const s = await c.get<Service>(SERVICES, 'default', 'web');
    return ingress(s).length === 0 && !s.metadata?.finalizers?.includes(LB_FINALIZER);
  }, 5000, 'released');
  await eventually(async () => ingress(await c.get<Service>(SERVICES, 'default', 'clash'))[0] === '10.0.0.5', 5000, 'the waiting Service gets the port');
});
