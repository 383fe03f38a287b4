// The policy table installed for real in namespaces this test creates (testing/netns.ts): pods
// on one bridge, so same-node traffic must pass br_netfilter into the forward hook.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import type { Pod } from '../../api/core/pod/types.ts';
import { createTestbed, netnsCheck, type Testbed } from '../../testing/netns.ts';
import { NftApplier, nftRunner } from '../proxy/apply.ts';
import { buildPodRules, type NetworkPolicy } from './model.ts';
import { buildPolicyRuleset } from './rules.ts';

const ECHO = fileURLToPath(new URL('../../testing/net-echo.mjs', import.meta.url));
const check = netnsCheck();

const pod = (name: string, ip: string, labels: Record<string, string>): Pod => ({
  metadata: { namespace: 'default', name, labels },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: ip },
});

test('the rendered table names a chain per isolated pod and ends each with drop', (t) => {
  const rules = buildPodRules([{ metadata: { namespace: 'default', name: 'p' }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 80, endPort: 90 }, { protocol: 'UDP' }] }] } }], [pod('a', '10.244.0.2', {})], [], 'n1');
  const text = buildPolicyRuleset(rules).text;
  t.regex(text, /elements = \{ 10\.244\.0\.2 : jump ing-\w+ \}/);
  t.regex(text, /ip saddr 10\.0\.0\.0\/8 ip saddr != \{ 10\.1\.0\.0\/16, 10\.2\.0\.0\/16 \} meta l4proto tcp th dport 80-90 return\n/);
  t.regex(text, /ip saddr 10\.0\.0\.0\/8 ip saddr != \{ 10\.1\.0\.0\/16, 10\.2\.0\.0\/16 \} meta l4proto udp return\n\s+drop\n/);
});

async function ask(tb: Testbed, from: string, host: string, port = 8080): Promise<string> {
  const r = JSON.parse(await tb.exec(from, ['node', ECHO, 'ask', host, String(port), '1', 'tcp', '700'])) as { answers: Record<string, number>; errors: Record<string, number> };
  return Object.keys(r.answers)[0] ?? Object.keys(r.errors)[0];
}

(check.skipReason ? test.skip : test)('pods on one bridge: default deny, allow by label and port, egress deny, ipBlock except', async (t) => {
  const tb = await createTestbed({ pods: 3 });
  t.teardown(() => tb.close());
  const [a, b, c] = tb.pods;
  // What the agent does at its first sync (enableBridgeNetfilter), here for the node namespace.
  await tb.exec(tb.node, ['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1']);
  for (const [p, name] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) {
    const s = tb.spawn(p.netns, ['node', ECHO, 'serve', name, '8080', '9090']);
    await new Promise((r) => s.stdout!.once('data', r));
  }
  const pods = [pod('a', a.ip, { app: 'web' }), pod('b', b.ip, { role: 'front' }), pod('c', c.ip, {})];
  const applier = new NftApplier(nftRunner(tb.node));
  const install = (policies: NetworkPolicy[]) => applier.apply(buildPolicyRuleset(buildPodRules(policies, pods, [], 'n1')));
  const np = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ metadata: { namespace: 'default', name }, spec });

  t.is(await ask(tb, c.netns, a.ip), 'a', 'open before any policy');
  await install([np('deny', { podSelector: { matchLabels: { app: 'web' } } })]);
  t.is(await ask(tb, c.netns, a.ip), 'TIMEOUT', 'default deny ingress');
  t.is(await ask(tb, b.netns, a.ip), 'TIMEOUT');
  t.is(await ask(tb, a.netns, b.ip), 'b', 'an ingress policy leaves egress open');

  await install([np('deny', { podSelector: { matchLabels: { app: 'web' } } }), np('front', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'front' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }] })]);
  t.is(await ask(tb, b.netns, a.ip), 'a', 'allowed from the labelled pod on the named port');
  t.is(await ask(tb, b.netns, a.ip, 9090), 'TIMEOUT', 'not on another port');
  t.is(await ask(tb, c.netns, a.ip), 'TIMEOUT', 'not from another pod');

  await install([np('egress', { podSelector: { matchLabels: { role: 'front' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.244.0.0/24', except: [`${c.ip}/32`] } }] }] })]);
  t.is(await ask(tb, b.netns, a.ip), 'a', 'egress allowed into the block');
  t.is(await ask(tb, b.netns, c.ip), 'TIMEOUT', 'egress denied to the excepted address');
  t.is(await ask(tb, c.netns, b.ip), 'b', 'replies of allowed connections pass; ingress of b is open');

  await install([]);
  t.is(await ask(tb, b.netns, c.ip), 'c', 'open again once the policies are gone');
});
