import test from 'ava';
import { expand, resourceValue } from './env.ts';
import { pullPolicy } from './images.ts';
import { linuxResources, sandboxDns } from './runtime-spec.ts';
import { mirrorPod } from './static-pods.ts';

test('env: $(VAR) expands earlier variables, $$ escapes, unknown references stay', (t) => {
  const vars = new Map([['A', 'x']]);
  t.is(expand('$(A)-$(B)-$$(A)', vars), 'x-$(B)-$(A)');
});

test('resourceFieldRef: limits in divisor units, rounded up; no limit means node allocatable', (t) => {
  const c = { resources: { limits: { memory: '64Mi', cpu: '250m' }, requests: { cpu: '100m' } } };
  const alloc = { cpu: 2, memory: 4 * 1024 ** 3 };
  t.is(resourceValue(c, 'limits.memory', '1Mi', alloc), '64');
  t.is(resourceValue(c, 'limits.cpu', undefined, alloc), '1');
  t.is(resourceValue(c, 'limits.cpu', '1m', alloc), '250');
  t.is(resourceValue(c, 'requests.cpu', '1m', alloc), '100');
  t.is(resourceValue({}, 'limits.cpu', undefined, alloc), '2');
});

test('imagePullPolicy defaults: Always for :latest or no tag, IfNotPresent for a tag or digest', (t) => {
  t.is(pullPolicy({ image: 'busybox' }), 'Always');
  t.is(pullPolicy({ image: 'busybox:latest' }), 'Always');
  t.is(pullPolicy({ image: 'localhost:5000/busybox' }), 'Always');
  t.is(pullPolicy({ image: 'localhost/kubets/busybox:1' }), 'IfNotPresent');
  t.is(pullPolicy({ image: 'busybox@sha256:abc' }), 'IfNotPresent');
  t.is(pullPolicy({ image: 'busybox', imagePullPolicy: 'Never' }), 'Never');
});

test('resources to cgroups: shares from requests, quota and memory from limits, oom_score_adj by QoS', (t) => {
  t.deepEqual(linuxResources({ resources: { limits: { cpu: '500m', memory: '128Mi' } } }, 'Guaranteed'), { cpuShares: 512, cpuPeriod: 100_000, cpuQuota: 50_000, memoryLimitInBytes: 128 * 1024 ** 2, oomScoreAdj: -997 });
  t.deepEqual(linuxResources({}, 'BestEffort'), { cpuShares: 2, oomScoreAdj: 1000 });
});

test('static pods: the mirror pod is <name>-<node>, bound, annotated; bad manifests are refused', (t) => {
  const p = mirrorPod('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: c, image: i}]}\n', 'web.yaml', 'n1');
  if (typeof p === 'string') return t.fail(p);
  t.is(p.metadata?.name, 'web-n1');
  t.is(p.metadata?.namespace, 'default');
  t.is(p.spec?.nodeName, 'n1');
  t.is(p.metadata?.annotations?.['kubernetes.io/config.source'], 'file');
  t.regex(p.metadata?.annotations?.['kubernetes.io/config.mirror'] ?? '', /^[0-9a-f]{32}$/);
  t.is(mirrorPod('kind: Service\nmetadata: {name: x}\n', 'x.yaml', 'n1'), 'x.yaml: not a Pod with a name');
});

test("the sandbox's DNS follows dnsPolicy and dnsConfig (node/dns's podResolvConf); no node settings: the runtime's default", (t) => {
  const dns = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostResolvConf: 'nameserver 192.0.2.53\nsearch corp.example\n' };
  const pod = (spec: Record<string, unknown>) => ({ metadata: { namespace: 'ns1' }, spec: { containers: [], ...spec } }) as never;
  t.deepEqual(sandboxDns(pod({}), dns), { servers: ['10.96.0.10'], searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'] });
  t.deepEqual(sandboxDns(pod({ dnsPolicy: 'Default' }), dns), { servers: ['192.0.2.53'], searches: ['corp.example'], options: [] });
  t.deepEqual(sandboxDns(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] } }), dns), { servers: ['1.1.1.1'], searches: [], options: ['ndots:2'] });
  t.is(sandboxDns(pod({}), undefined), undefined);
});
