import test from 'ava';
import type { ServicePortEntry } from './model.ts';
import { buildRuleset, chainNames } from './rules.ts';
import { partialTransaction, transaction, parseTableObjects } from './apply.ts';

const entry = (over: Partial<ServicePortEntry>): ServicePortEntry => ({
  key: 'ns/web:http:tcp',
  namespace: 'ns',
  name: 'web',
  portName: 'http',
  protocol: 'tcp',
  port: 80,
  clusterIPs: ['10.96.0.20'],
  externalIPs: [],
  internal: [{ ip: '10.244.0.2', port: 8080, local: true }],
  external: [{ ip: '10.244.0.2', port: 8080, local: true }],
  cluster: [{ ip: '10.244.0.2', port: 8080, local: true }],
  externalLocal: false,
  internalLocal: false,
  hasEndpoints: true,
  ...over,
});

test('a Service with endpoints: a map entry, a Service chain, an endpoint chain with hairpin mark and DNAT', (t) => {
  const e = entry({});
  const rs = buildRuleset([e], { clusterCIDR: '10.244.0.0/16' });
  t.regex(rs.text, new RegExp(`10\\.96\\.0\\.20 \\. tcp \\. 80 : goto ${chainNames.cluster(e)}`));
  t.regex(rs.text, /ip saddr 10\.244\.0\.2 jump mark-for-masquerade\n\s+meta l4proto tcp dnat to 10\.244\.0\.2:8080/);
  t.regex(rs.text, /ip daddr \{ 10\.96\.0\.20 \} ip saddr != 10\.244\.0\.0\/16 jump mark-for-masquerade/);
  t.true(rs.chains.includes(chainNames.endpoint(e, e.internal[0])));
});

test('without endpoints: REJECT; with a Local policy leaving none here: DROP', (t) => {
  const none = buildRuleset([entry({ internal: [], external: [], cluster: [], hasEndpoints: false, nodePort: 30080 })]);
  t.regex(none.text, /10\.96\.0\.20 \. tcp \. 80 : goto reject-chain/);
  t.regex(none.text, /tcp \. 30080 : goto reject-chain/);
  t.notRegex(none.text, /dnat to/);
  const local = buildRuleset([entry({ internal: [], internalLocal: true })]);
  t.regex(local.text, /10\.96\.0\.20 \. tcp \. 80 : drop/);
});

test('several endpoints are picked by numgen; ClientIP affinity adds a timed set per endpoint', (t) => {
  const eps = [1, 2, 3].map((i) => ({ ip: `10.244.0.${i}`, port: 8080, local: true }));
  const e = entry({ internal: eps, external: eps, cluster: eps, affinitySeconds: 60 });
  const rs = buildRuleset([e]);
  t.regex(rs.text, /numgen random mod 3 vmap \{ 0 : goto ep-\w+, 1 : goto ep-\w+, 2 : goto ep-\w+ \}/);
  t.is(rs.sets.length, 3);
  t.regex(rs.text, /flags dynamic,timeout\n\s+timeout 60s/);
  t.regex(rs.text, new RegExp(`ip saddr @${chainNames.affinity(e, eps[0])} goto ${chainNames.endpoint(e, eps[0])}`));
  t.regex(rs.text, /update @aff-\w+ \{ ip saddr \}/);
});

test('node ports and LB IPs: masqueraded for Cluster, source kept for Local', (t) => {
  const cluster = buildRuleset([entry({ nodePort: 30080, externalIPs: ['172.31.0.1'] })]);
  const e = entry({});
  t.regex(cluster.text, new RegExp(`tcp \\. 30080 : goto ${chainNames.external(e)}`));
  t.regex(cluster.text, new RegExp(`172\\.31\\.0\\.1 \\. tcp \\. 80 : goto ${chainNames.external(e)}`));
  t.regex(cluster.text, new RegExp(`chain ${chainNames.external(e)} \\{\\n\\s+jump mark-for-masquerade`));
  const local = buildRuleset([entry({ nodePort: 30080, externalLocal: true })], { clusterCIDR: '10.244.0.0/16' });
  t.regex(local.text, new RegExp(`ip saddr 10\\.244\\.0\\.0/16 goto ${chainNames.cluster(e)}`));
  t.regex(local.text, new RegExp(`goto ${chainNames.local(e)}\\n`));
});

test('the transaction empties maps and rules, deletes what is no longer generated, then declares the table', (t) => {
  const rs = buildRuleset([entry({})]);
  const installed = parseTableObjects('table ip kubets-proxy {\n\tmap service-ips {\n\t}\n\tchain svc-OLD {\n\t}\n\tset aff-OLD {\n\t}\n\tchain services {\n\t}\n}\n');
  const tx = transaction(rs, installed);
  t.regex(tx, /^add table ip kubets-proxy\nflush map ip kubets-proxy service-ips\nflush table ip kubets-proxy\ndelete chain ip kubets-proxy svc-OLD\ndelete set ip kubets-proxy aff-OLD\ntable ip kubets-proxy \{/);
  t.notRegex(tx, /delete chain ip kubets-proxy services/);
});

test('the output is deterministic', (t) => {
  const a = buildRuleset([entry({}), entry({ key: 'ns/b:http:tcp', clusterIPs: ['10.96.0.30'] })]);
  const b = buildRuleset([entry({}), entry({ key: 'ns/b:http:tcp', clusterIPs: ['10.96.0.30'] })]);
  t.is(a.text, b.text);
});

test('a partial sync touches only the Service that changed, and nothing when nothing did', (t) => {
  const other = entry({ key: 'ns/b:http:tcp', name: 'b', clusterIPs: ['10.96.0.30'] });
  const before = buildRuleset([entry({}), other]);
  t.is(partialTransaction('kubets-proxy', before.parts!, buildRuleset([entry({}), other]).parts!), '');
  const moved = entry({ internal: [{ ip: '10.244.0.9', port: 8080, local: true }], external: [{ ip: '10.244.0.9', port: 8080, local: true }], cluster: [{ ip: '10.244.0.9', port: 8080, local: true }], affinitySeconds: 60 });
  const after = buildRuleset([moved, other]);
  const tx = partialTransaction('kubets-proxy', before.parts!, after.parts!)!;
  const oldEp = chainNames.endpoint(entry({}), entry({}).internal[0]);
  const newEp = chainNames.endpoint(moved, moved.internal[0]);
  t.regex(tx, new RegExp(`^add set ip kubets-proxy ${chainNames.affinity(moved, moved.internal[0])} \\{ type ipv4_addr; flags dynamic,timeout; timeout 60s; \\}\nadd chain ip kubets-proxy ${newEp}\n`));
  t.regex(tx, new RegExp(`flush chain ip kubets-proxy ${chainNames.cluster(moved)}\nadd rule ip kubets-proxy ${chainNames.cluster(moved)} `));
  t.regex(tx, new RegExp(`add rule ip kubets-proxy ${newEp} meta l4proto tcp dnat to 10\\.244\\.0\\.9:8080\n`));
  t.regex(tx, new RegExp(`flush chain ip kubets-proxy ${oldEp}\ndelete chain ip kubets-proxy ${oldEp}\n$`));
  t.notRegex(tx, new RegExp(chainNames.cluster(other)), 'the other Service is not touched');
  t.notRegex(tx, /element/, 'the map still sends the cluster IP to the same Service chain');
  // Without endpoints: its map element moves from service-ips to no-endpoint-services.
  const gone = partialTransaction('kubets-proxy', after.parts!, buildRuleset([entry({ internal: [], external: [], cluster: [], hasEndpoints: false }), other]).parts!)!;
  t.regex(gone, /delete element ip kubets-proxy service-ips \{ 10\.96\.0\.20 \. tcp \. 80 \}\n/);
  t.regex(gone, /add element ip kubets-proxy no-endpoint-services \{ 10\.96\.0\.20 \. tcp \. 80 : goto reject-chain \}\n/);
  t.regex(gone, /delete set ip kubets-proxy aff-/);
});
