import test from 'ava';
import { createServer } from 'node:net';
import { buildEntries } from './model.ts';
import { HealthCheckServers, healthTargets } from './health-check.ts';
import type { EndpointSlice, Service } from './types.ts';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

const svc = (port: number, policy = 'Local'): Service => ({
  metadata: { namespace: 'ns', name: 'web' },
  spec: { type: 'LoadBalancer', clusterIP: '10.96.0.9', externalTrafficPolicy: policy, healthCheckNodePort: port, ports: [{ name: 'http', port: 80, nodePort: 30001 }, { name: 'alt', port: 81, nodePort: 30002 }] },
});
const slice = (nodes: string[]): EndpointSlice => ({
  metadata: { namespace: 'ns', name: 'web-x', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: nodes.map((n, i) => ({ addresses: [`10.0.0.${i + 1}`], conditions: { ready: true }, nodeName: n })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'alt', port: 8081, protocol: 'TCP' }],
});

test('only LoadBalancer Services with externalTrafficPolicy Local; local endpoints counted once across ports', (t) => {
  t.deepEqual(healthTargets(buildEntries([svc(32000)], () => [slice(['n1', 'n1', 'n2'])], 'n1')), [{ namespace: 'ns', name: 'web', port: 32000, localEndpoints: 2 }]);
  t.deepEqual(healthTargets(buildEntries([svc(32000, 'Cluster')], () => [slice(['n1'])], 'n1')), []);
});

test('the health check answers 200 with local endpoints, 503 without, and closes with the Service', async (t) => {
  const port = await freePort();
  const servers = new HealthCheckServers('127.0.0.1');
  t.teardown(() => servers.close());
  await servers.sync([{ namespace: 'ns', name: 'web', port, localEndpoints: 2 }]);
  let r = await fetch(`http://127.0.0.1:${port}/healthz`);
  t.is(r.status, 200);
  t.is(r.headers.get('content-type'), 'application/json');
  t.is(r.headers.get('x-load-balancing-endpoint-weight'), '2');
  t.deepEqual(await r.json(), { service: { namespace: 'ns', name: 'web' }, localEndpoints: 2, serviceProxyHealthy: true });
  await servers.sync([{ namespace: 'ns', name: 'web', port, localEndpoints: 0 }]);
  r = await fetch(`http://127.0.0.1:${port}/`);
  t.is(r.status, 503);
  t.is((await r.json()).localEndpoints, 0);
  await servers.sync([]);
  t.deepEqual(servers.ports(), []);
  await t.throwsAsync(fetch(`http://127.0.0.1:${port}/`));
});
