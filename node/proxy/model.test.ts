import test from 'ava';
import { buildEntries, DEFAULT_AFFINITY_SECONDS } from './model.ts';
import type { Endpoint, EndpointSlice, Service } from './types.ts';

const NODE = 'n1';
const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { namespace: 'ns', name }, spec: { clusterIP: '10.96.0.9', ...spec }, status });
const ep = (ip: string, cond: Endpoint['conditions'] = { ready: true }, nodeName = NODE): Endpoint => ({ addresses: [ip], conditions: cond, nodeName });
const slice = (name: string, endpoints: Endpoint[], ports: EndpointSlice['ports'] = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice => ({
  metadata: { namespace: 'ns', name: `${name}-x`, labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  endpoints,
  ports,
});
const one = (s: Service, slices: EndpointSlice[]) => buildEntries([s], () => slices, NODE);
const ips = (eps: { ip: string }[]) => eps.map((e) => e.ip).sort();
const httpPort = [{ name: 'http', port: 80, protocol: 'TCP' }];

test('only ready endpoints; serving terminating ones only when none is ready', (t) => {
  const [e] = one(svc('a', { ports: httpPort }), [slice('a', [ep('1.0.0.1'), ep('1.0.0.2', { ready: false, serving: true, terminating: true }), ep('1.0.0.3', { ready: false, serving: false })])]);
  t.deepEqual(ips(e.internal), ['1.0.0.1']);
  const [f] = one(svc('a', { ports: httpPort }), [slice('a', [ep('1.0.0.2', { ready: false, serving: true, terminating: true }), ep('1.0.0.3', { ready: false, serving: false, terminating: true })])]);
  t.deepEqual(ips(f.internal), ['1.0.0.2']);
  t.true(f.hasEndpoints);
});

test('externalTrafficPolicy Local: node ports use this node\'s endpoints, cluster IPs all', (t) => {
  const [e] = one(svc('a', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30001 }] }), [slice('a', [ep('1.0.0.1'), ep('1.0.0.2', { ready: true }, 'other')])]);
  t.deepEqual(ips(e.external), ['1.0.0.1']);
  t.deepEqual(ips(e.internal), ['1.0.0.1', '1.0.0.2']);
  t.is(e.nodePort, 30001);
  t.true(e.externalLocal);
});

test('internalTrafficPolicy Local with no endpoint here: none for cluster IPs, but the Service has endpoints', (t) => {
  const [e] = one(svc('a', { internalTrafficPolicy: 'Local', ports: httpPort }), [slice('a', [ep('1.0.0.2', { ready: true }, 'other')])]);
  t.deepEqual(e.internal, []);
  t.true(e.hasEndpoints);
});

test('named and multiple ports map to the slice port of the same name and protocol', (t) => {
  const s = svc('a', { ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'dns', port: 53, protocol: 'UDP' }] });
  const entries = one(s, [slice('a', [ep('1.0.0.1')], [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }])]);
  t.deepEqual(entries.map((e) => [e.port, e.protocol, e.internal[0]?.port]), [[53, 'udp', 5353], [80, 'tcp', 8080]]);
});

test('a port no slice carries (targetPort name no container declares) has no endpoints', (t) => {
  const [e] = one(svc('a', { ports: [{ name: 'metrics', port: 9090, targetPort: 'nope' }] }), [slice('a', [ep('1.0.0.1')])]);
  t.deepEqual(e.internal, []);
  t.false(e.hasEndpoints);
});

test('headless and ExternalName Services get no entries', (t) => {
  t.deepEqual(one(svc('h', { clusterIP: 'None', ports: httpPort }), [slice('h', [ep('1.0.0.1')])]), []);
  t.deepEqual(one(svc('x', { type: 'ExternalName', externalName: 'a.example', clusterIP: undefined, ports: httpPort }), []), []);
});

test('ClientIP affinity with its timeout (default 3 hours); load-balancer IPs, not ipMode Proxy ones', (t) => {
  const [a] = one(svc('a', { sessionAffinity: 'ClientIP', ports: httpPort }), []);
  t.is(a.affinitySeconds, DEFAULT_AFFINITY_SECONDS);
  const [b] = one(svc('a', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } }, ports: httpPort }), []);
  t.is(b.affinitySeconds, 30);
  const [c] = one(svc('a', { type: 'LoadBalancer', externalIPs: ['5.5.5.5'], ports: httpPort }, { loadBalancer: { ingress: [{ ip: '7.7.7.7' }, { ip: '8.8.8.8', ipMode: 'Proxy' }, { hostname: 'lb.example' }] } }), []);
  t.deepEqual(c.externalIPs, ['5.5.5.5', '7.7.7.7']);
});

test('loadBalancerSourceRanges apply to the load-balancer IPs of a LoadBalancer Service only', (t) => {
  const status = { loadBalancer: { ingress: [{ ip: '172.31.0.1' }] } };
  const ranges = { loadBalancerSourceRanges: [' 10.0.0.0/8', 'fd00::/8'], externalIPs: ['192.0.2.1'], ports: httpPort };
  const [e] = one(svc('a', { type: 'LoadBalancer', ...ranges }, status), []);
  t.deepEqual(e.lbIPs, ['172.31.0.1']);
  t.deepEqual(e.sourceRanges, ['10.0.0.0/8']);
  t.deepEqual(e.externalIPs, ['192.0.2.1', '172.31.0.1']);
  const [f] = one(svc('a', { type: 'ClusterIP', ...ranges }), []);
  t.is(f.sourceRanges, undefined);
});
