import test from 'ava';
import type { Pod } from '../../api/core/pod/types.ts';
import { buildPodRules, policyTypes, type NetworkPolicy } from './model.ts';

const pod = (ns: string, name: string, ip: string, labels: Record<string, string>, node = 'n1', ports: { name: string; containerPort: number; protocol?: string }[] = []): Pod => ({
  metadata: { namespace: ns, name, labels },
  spec: { nodeName: node, containers: [{ name: 'c', ports }] },
  status: { phase: 'Running', podIP: ip },
});
const ns = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const np = (namespace: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ metadata: { namespace, name: 'p' }, spec });

const PODS = [
  pod('a', 'web', '10.0.0.2', { app: 'web' }, 'n1', [{ name: 'http', containerPort: 8080 }]),
  pod('a', 'front', '10.0.0.3', { role: 'front' }),
  pod('b', 'other', '10.0.0.4', { role: 'front' }, 'n2', [{ name: 'http', containerPort: 9090 }]),
  { ...pod('a', 'done', '10.0.0.9', { app: 'web' }), status: { phase: 'Succeeded', podIP: '10.0.0.9' } },
  { ...pod('a', 'host', '10.1.1.1', { app: 'web' }), spec: { nodeName: 'n1', hostNetwork: true } },
];
const NSS = [ns('a'), ns('b', { team: 'blue' })];

test('policyTypes default to Ingress, plus Egress when egress rules exist', (t) => {
  t.deepEqual(policyTypes(np('a', {})), ['Ingress']);
  t.deepEqual(policyTypes(np('a', { egress: [{}] })), ['Ingress', 'Egress']);
  t.deepEqual(policyTypes(np('a', { policyTypes: ['Egress'] })), ['Egress']);
});

test('a pod no policy selects is not isolated; only local, running, pod-network pods count', (t) => {
  t.deepEqual(buildPodRules([], PODS, NSS, 'n1'), []);
  const rules = buildPodRules([np('a', { podSelector: {} })], PODS, NSS, 'n1');
  t.deepEqual(rules.map((r) => r.key), ['a/front', 'a/web']);
  t.deepEqual(rules[0], { key: 'a/front', ip: '10.0.0.3', ingress: [] });
});

test('peers: podSelector in the policy namespace, namespaceSelector, both, and ipBlock with except', (t) => {
  const [web] = buildPodRules([np('a', {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { role: 'front' } } }] },
      { from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] },
      { from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['front'] }] } }] },
      { from: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }] },
      { from: [{ podSelector: { matchLabels: { role: 'nobody' } } }] },
    ],
  })], PODS, NSS, 'n1');
  t.deepEqual(web.ingress, [
    { anyPeer: false, ips: ['10.0.0.3'], blocks: [] },
    { anyPeer: false, ips: ['10.0.0.4'], blocks: [] },
    { anyPeer: false, ips: ['10.0.0.3', '10.0.0.4'], blocks: [] },
    { anyPeer: false, ips: [], blocks: [{ cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] }] },
  ]);
  t.is(web.egress, undefined);
});

test('ports: numbers, ranges, protocol only, and named ports on the receiving pod', (t) => {
  const [web] = buildPodRules([np('a', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 8000, endPort: 8100 }, { protocol: 'UDP' }, { protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 'nope' }] }],
    egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'UDP', port: 53 }] }, { ports: [{ port: 'nope' }] }],
  })], PODS, NSS, 'n1');
  t.deepEqual(web.ingress, [{ anyPeer: true, ports: [{ protocol: 'TCP', port: 80, endPort: undefined }, { protocol: 'TCP', port: 8000, endPort: 8100 }, { protocol: 'UDP', port: undefined, endPort: undefined }, { protocol: 'TCP', port: 8080 }] }]);
  // Egress named ports resolve on each peer: web's own 8080 and other's 9090; a name no pod has allows nothing.
  t.deepEqual(web.egress, [
    { anyPeer: false, ips: ['10.0.0.2', '10.0.0.3', '10.0.0.4'], blocks: [], ports: [{ protocol: 'UDP', port: 53, endPort: undefined }] },
    { anyPeer: false, tuples: [{ ip: '10.0.0.2', protocol: 'TCP', port: 8080 }, { ip: '10.0.0.4', protocol: 'TCP', port: 9090 }] },
  ]);
});

test('several policies add up; an egress-only policy leaves ingress open', (t) => {
  const [web] = buildPodRules([
    np('a', { podSelector: {}, policyTypes: ['Egress'] }),
    np('a', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }),
    np('b', { podSelector: {} }),
  ], PODS, NSS, 'n1').filter((r) => r.key === 'a/web');
  t.is(web.ingress, undefined);
  t.deepEqual(web.egress, [{ anyPeer: false, ips: [], blocks: [{ cidr: '10.0.0.0/8', except: [] }] }]);
});
