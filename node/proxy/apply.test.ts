// The generated ruleset installed for real inside namespaces this test creates (testing/netns.ts):
// traffic from a pod and from outside the node through ClusterIPs, a NodePort and a
// load-balancer IP, REJECT without endpoints, ClientIP affinity, hairpin, and re-syncs by a
// fresh applier (an agent restart) while requests flow.

import test from 'ava';
import { fileURLToPath } from 'node:url';
import { createTestbed, netnsCheck, type Testbed } from '../../testing/netns.ts';
import { buildEntries } from './model.ts';
import { buildRuleset } from './rules.ts';
import { NftApplier, nftRunner } from './apply.ts';
import type { EndpointSlice, Service } from './types.ts';

const ECHO = fileURLToPath(new URL('../../testing/net-echo.mjs', import.meta.url));
const check = netnsCheck();
const NODE = 'node-a';

const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { namespace: 'default', name }, spec, status });
const slice = (svcName: string, ips: string[], port = 8080, name = 'http'): EndpointSlice => ({
  metadata: { namespace: 'default', name: `${svcName}-1`, labels: { 'kubernetes.io/service-name': svcName } },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip], nodeName: NODE, conditions: { ready: true } })),
  ports: [{ name, port, protocol: 'TCP' }, { name: `${name}-udp`, port, protocol: 'UDP' }],
});

async function ask(tb: Testbed, netns: string, host: string, port: number, count: number, proto = 'tcp'): Promise<{ answers: Record<string, number>; errors: Record<string, number> }> {
  return JSON.parse(await tb.exec(netns, ['node', ECHO, 'ask', host, String(port), String(count), proto, '1500']));
}

async function serve(tb: Testbed, netns: string, name: string): Promise<void> {
  const p = tb.spawn(netns, ['node', ECHO, 'serve', name, '8080']);
  await new Promise<void>((resolve, reject) => {
    p.stdout!.once('data', () => resolve());
    p.once('exit', (c) => reject(new Error(`server ${name} exited ${c}`)));
  });
}

(check.skipReason ? test.skip : test)('Services reach their pods through the installed ruleset', async (t) => {
  const tb = await createTestbed({ pods: 3, outside: true });
  t.teardown(() => tb.close());
  const [a, b, client] = tb.pods;
  await serve(tb, a.netns, 'a');
  await serve(tb, b.netns, 'b');

  const services: Service[] = [
    svc('web', { type: 'LoadBalancer', clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }, { name: 'http-udp', port: 80, protocol: 'UDP' }] }, { loadBalancer: { ingress: [{ ip: '172.31.0.100' }] } }),
    svc('sticky', { clusterIP: '10.96.0.21', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    svc('self', { clusterIP: '10.96.0.22', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    svc('nothing', { clusterIP: '10.96.0.23', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    svc('fenced', { type: 'LoadBalancer', clusterIP: '10.96.0.24', loadBalancerSourceRanges: ['10.244.0.0/24'], ports: [{ name: 'http', port: 80, nodePort: 30081, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '172.31.0.101' }] } }),
  ];
  const slices: Record<string, EndpointSlice[]> = {
    web: [slice('web', [a.ip, b.ip])],
    sticky: [slice('sticky', [a.ip, b.ip])],
    self: [slice('self', [a.ip])],
    fenced: [slice('fenced', [a.ip])],
  };
  const nft = nftRunner(tb.node);
  const install = (applier = new NftApplier(nft)) => applier.apply(buildRuleset(buildEntries(services, (_ns, n) => slices[n] ?? [], NODE), { clusterCIDR: '10.244.0.0/16' }));
  await install();

  const web = await ask(tb, client.netns, '10.96.0.20', 80, 30);
  t.deepEqual(web.errors, {});
  t.deepEqual(Object.keys(web.answers).sort(), ['a', 'b'], 'both endpoints answer the ClusterIP');
  t.deepEqual((await ask(tb, client.netns, '10.96.0.20', 80, 4, 'udp')).errors, {}, 'UDP too');
  const out = tb.outside!;
  t.deepEqual((await ask(tb, out.netns, tb.nodeIP, 30080, 6)).errors, {}, 'NodePort from outside the node');
  t.deepEqual((await ask(tb, out.netns, '172.31.0.100', 80, 6)).errors, {}, 'load-balancer IP from outside');
  t.deepEqual((await ask(tb, a.netns, '172.31.0.100', 80, 4)).errors, {}, 'load-balancer IP from a pod');

  // loadBalancerSourceRanges: pods (in the range) reach the LB IP; a client outside it does not,
  // though it still reaches the node port (the ranges are for the load-balancer IPs only).
  t.deepEqual((await ask(tb, client.netns, '172.31.0.101', 80, 2)).answers, { a: 2 }, 'LB IP from a source in range');
  t.deepEqual((await ask(tb, out.netns, '172.31.0.101', 80, 1)).errors, { TIMEOUT: 1 }, 'LB IP from a source out of range: dropped');
  t.deepEqual((await ask(tb, out.netns, tb.nodeIP, 30081, 1)).answers, { a: 1 }, 'node port of the same Service');

  const sticky = await ask(tb, client.netns, '10.96.0.21', 80, 12);
  t.is(Object.keys(sticky.answers).length, 1, `ClientIP affinity keeps one endpoint: ${JSON.stringify(sticky.answers)}`);
  t.deepEqual((await ask(tb, a.netns, '10.96.0.22', 80, 3)).answers, { a: 3 }, 'hairpin: a pod reaches itself through its Service');

  // A REJECT answers with a TCP reset: ECONNREFUSED within the ask's 1.5 s timeout, where a
  // dropped packet would end in a timeout error instead. (No wall-clock check: the ask runs in
  // a freshly spawned node process, whose start-up alone passes a second on a loaded machine.)
  t.deepEqual((await ask(tb, client.netns, '10.96.0.23', 80, 1)).errors, { ECONNREFUSED: 1 }, 'no endpoints: rejected at once, not a timeout');

  // Agent restarts (a new applier that first reads the table: full syncs), then partial syncs
  // of one running applier, with endpoint changes while a client keeps asking: not one request fails.
  const flowing = ask(tb, client.netns, '10.96.0.20', 80, 300);
  const running = new NftApplier(nft);
  const kinds: string[] = [];
  for (let i = 0; i < 10; i++) {
    slices.web = [slice('web', i % 2 ? [a.ip, b.ip] : [a.ip])];
    slices[`extra${i}`] = [slice(`extra${i}`, [b.ip])];
    services.push(svc(`extra${i}`, { clusterIP: `10.96.1.${i + 1}`, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
    if (i < 4) await install();
    else {
      await install(running);
      kinds.push(running.lastKind);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  t.deepEqual(kinds, ['full', 'partial', 'partial', 'partial', 'partial', 'partial']);
  t.deepEqual((await ask(tb, client.netns, '10.96.1.10', 80, 2)).answers, { b: 2 }, 'a Service added by a partial sync answers');
  const during = await flowing;
  t.deepEqual(during.errors, {}, 'no request failed across re-syncs');
  t.is(Object.values(during.answers).reduce((x, y) => x + y, 0), 300);

  // Affinity survives a restart's re-sync.
  await install();
  t.deepEqual(Object.keys((await ask(tb, client.netns, '10.96.0.21', 80, 5)).answers), Object.keys(sticky.answers));
});
