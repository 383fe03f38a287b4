import test from 'ava';
import { formatResolvConf, podResolvConf, type NodeDnsSettings } from './resolv-conf.ts';

const node: NodeDnsSettings = {
  clusterDNS: ['10.96.0.10'],
  clusterDomain: 'cluster.local',
  hostResolvConf: '# host\nnameserver 192.0.2.53\nsearch corp.example\noptions edns0\n',
};
const pod = (spec: Record<string, unknown>, namespace = 'shop') => ({ metadata: { namespace }, spec });
const text = (p: ReturnType<typeof pod>, n = node) => formatResolvConf(podResolvConf(p, n).conf);

test('ClusterFirst: cluster DNS, namespace search paths then the host\'s, ndots:5', (t) => {
  t.is(text(pod({})), 'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n');
});

test('hostNetwork with ClusterFirst uses the node\'s; ClusterFirstWithHostNet the cluster\'s', (t) => {
  t.is(text(pod({ hostNetwork: true })), 'nameserver 192.0.2.53\nsearch corp.example\noptions edns0\n');
  t.regex(text(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' })), /^nameserver 10\.96\.0\.10\n/);
});

test('Default is the node\'s resolv.conf; None is only dnsConfig', (t) => {
  t.is(text(pod({ dnsPolicy: 'Default' })), 'nameserver 192.0.2.53\nsearch corp.example\noptions edns0\n');
  t.is(
    text(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } })),
    'nameserver 1.2.3.4\nsearch ns1.svc.cluster-domain.example\noptions ndots:2 edns0\n',
  );
});

test('dnsConfig adds to ClusterFirst and overrides options by name', (t) => {
  t.is(
    text(pod({ dnsConfig: { nameservers: ['10.96.0.10', '1.1.1.1'], searches: ['extra.example'], options: [{ name: 'ndots', value: '1' }] } })),
    'nameserver 10.96.0.10\nnameserver 1.1.1.1\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example extra.example\noptions ndots:1\n',
  );
});

test('without a cluster DNS, ClusterFirst falls back to Default with a warning', (t) => {
  const r = podResolvConf(pod({}), { ...node, clusterDNS: [] });
  t.deepEqual(r.conf.nameservers, ['192.0.2.53']);
  t.regex(r.warnings[0], /falling back to "Default"/);
});

test('limits: 3 nameservers, 32 search paths', (t) => {
  const r = podResolvConf(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'], searches: Array.from({ length: 40 }, (_, i) => `s${i}.example`) } }), node);
  t.deepEqual(r.conf.nameservers, ['10.96.0.10', '1.1.1.1', '2.2.2.2']);
  t.is(r.conf.searches.length, 32);
  t.is(r.warnings.length, 2);
});
