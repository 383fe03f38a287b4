import test from 'ava';
import dnsPacket from 'dns-packet';
import { answer, RCODE, type AnswerOptions } from './answer.ts';
import type { DnsView } from './records.ts';
import type { EndpointSlice, Service } from '../proxy/types.ts';

const svc = (ns: string, name: string, spec: Service['spec']): Service => ({ metadata: { namespace: ns, name }, spec });
const slice = (ns: string, svcName: string, addressType: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = []): EndpointSlice => ({
  metadata: { namespace: ns, name: `${svcName}-x`, labels: { 'kubernetes.io/service-name': svcName } },
  addressType,
  endpoints,
  ports,
});

const services = [
  svc('default', 'web', { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 81 }] }),
  svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
  svc('default', 'empty', { clusterIP: 'None' }),
  svc('default', 'ext', { type: 'ExternalName', externalName: 'example.org' }),
  svc('default', 'dual', { clusterIPs: ['10.96.0.21', 'fd00::21'] }),
];
const slices = [
  slice('default', 'db', 'IPv4', [
    { addresses: ['10.244.0.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.244.0.6'], conditions: { ready: true } },
    { addresses: ['10.244.0.7'], conditions: { ready: false } },
  ], [{ name: 'pg', port: 15432, protocol: 'TCP' }]),
];

const view: DnsView = {
  service: (ns, name) => services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
  slices: (ns, name) => slices.filter((s) => s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === name),
  namespaceExists: (ns) => ns === 'default' || ns === 'kube-system',
  servicesByIP: (ip) => services.filter((s) => s.spec?.clusterIPs?.includes(ip) || s.spec?.clusterIP === ip),
  slicesByIP: (ip) => slices.filter((s) => s.endpoints?.some((e) => e.addresses.includes(ip))),
};
const opts: AnswerOptions = { zone: 'cluster.local', ttl: 5, dnsIP: '10.96.0.10', serial: () => 1700000000 };

function ask(name: string, type: string, extra: Partial<dnsPacket.Packet> = {}) {
  const q = dnsPacket.encode({ id: 42, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }], ...extra });
  const out = answer(view, opts, q, true);
  if (out.kind !== 'reply') return out;
  return { ...out, msg: dnsPacket.decode(out.bytes) };
}

function data(name: string, type: string): unknown[] {
  const r = ask(name, type);
  if (r.kind !== 'reply') throw new Error(`expected a reply, got ${r.kind}`);
  return (r.msg.answers ?? []).map((a) => ('data' in a ? a.data : undefined));
}

const cases: Array<[string, string, string, unknown[] | number]> = [
  ['ClusterIP A', 'web.default.svc.cluster.local', 'A', ['10.96.0.20']],
  ['case-insensitive', 'WEB.Default.svc.cluster.local', 'A', ['10.96.0.20']],
  ['ClusterIP AAAA is NODATA', 'web.default.svc.cluster.local', 'AAAA', []],
  ['dual-stack AAAA', 'dual.default.svc.cluster.local', 'AAAA', ['fd00::21']],
  ['headless: ready endpoints only', 'db.default.svc.cluster.local', 'A', ['10.244.0.5', '10.244.0.6']],
  ['headless hostname', 'db-0.db.default.svc.cluster.local', 'A', ['10.244.0.5']],
  ['headless dashed address', '10-244-0-6.db.default.svc.cluster.local', 'A', ['10.244.0.6']],
  ['not-ready endpoint name', '10-244-0-7.db.default.svc.cluster.local', 'A', RCODE.NXDOMAIN],
  ['headless without endpoints', 'empty.default.svc.cluster.local', 'A', RCODE.NXDOMAIN],
  ['ExternalName CNAME', 'ext.default.svc.cluster.local', 'A', ['example.org']],
  ['missing service', 'nope.default.svc.cluster.local', 'A', RCODE.NXDOMAIN],
  ['missing namespace', 'web.nope.svc.cluster.local', 'A', RCODE.NXDOMAIN],
  ['namespace name is NODATA', 'default.svc.cluster.local', 'A', []],
  ['unknown namespace name', 'nope.svc.cluster.local', 'A', RCODE.NXDOMAIN],
  ['pod record', '10-244-1-9.default.pod.cluster.local', 'A', ['10.244.1.9']],
  ['bad pod record', 'abc.default.pod.cluster.local', 'A', RCODE.NXDOMAIN],
  ['unknown type on a service is NODATA', 'web.default.svc.cluster.local', 'MX', []],
  ['PTR of a ClusterIP', '20.0.96.10.in-addr.arpa', 'PTR', ['web.default.svc.cluster.local']],
  ['PTR of a headless endpoint', '5.0.244.10.in-addr.arpa', 'PTR', ['db-0.db.default.svc.cluster.local']],
  ['TXT dns-version', 'dns-version.cluster.local', 'TXT', [[Buffer.from('1.1.0')]]],
  ['ns.dns', 'ns.dns.cluster.local', 'A', ['10.96.0.10']],
  ['other zone word', 'x.y.cluster.local', 'A', RCODE.NXDOMAIN],
];

for (const [title, name, type, want] of cases) {
  test(title, (t) => {
    const r = ask(name, type);
    if (r.kind !== 'reply') return t.fail(`not answered: ${r.kind}`);
    if (typeof want === 'number') {
      t.is(r.rcode, want);
      t.is(r.msg.authorities?.[0]?.type, 'SOA');
      return;
    }
    t.is(r.rcode, RCODE.NOERROR);
    t.true(((r.msg.flags ?? 0) & dnsPacket.AUTHORITATIVE_ANSWER) !== 0);
    t.deepEqual(r.msg.answers?.map((a) => ('data' in a ? a.data : undefined)).sort(), [...want].sort() as unknown[]);
    if (want.length === 0) t.is(r.msg.authorities?.[0]?.type, 'SOA');
  });
}

test('answers keep the question id and the spelling of the name', (t) => {
  const r = ask('WEB.default.svc.cluster.local', 'A');
  if (r.kind !== 'reply') return t.fail();
  t.is(r.msg.id, 42);
  t.is(r.msg.answers?.[0]?.name, 'WEB.default.svc.cluster.local');
});

test('SRV for a named port of a ClusterIP Service points at the Service name', (t) => {
  const r = ask('_http._tcp.web.default.svc.cluster.local', 'SRV');
  if (r.kind !== 'reply') return t.fail();
  t.deepEqual(r.msg.answers?.map((a) => (a as { data?: unknown }).data), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
  t.deepEqual(r.msg.additionals?.map((a) => (a as { data?: unknown }).data), ['10.96.0.20']);
});

test('SRV for a headless Service: one per ready endpoint, with the endpoint port', (t) => {
  const srv = data('_pg._tcp.db.default.svc.cluster.local', 'SRV') as Array<{ port: number; target: string; weight: number }>;
  t.deepEqual(srv.map((s) => s.target).sort(), ['10-244-0-6.db.default.svc.cluster.local', 'db-0.db.default.svc.cluster.local']);
  t.true(srv.every((s) => s.port === 15432 && s.weight === 50));
});

test('SRV for an unknown port name is NXDOMAIN; SRV on the Service name lists the named ports', (t) => {
  const r = ask('_nope._tcp.web.default.svc.cluster.local', 'SRV');
  t.is(r.kind === 'reply' && r.rcode, RCODE.NXDOMAIN);
  t.deepEqual((data('web.default.svc.cluster.local', 'SRV') as Array<{ port: number }>).map((s) => s.port), [80]);
});

test('names outside the zone and unknown reverse addresses are forwarded', (t) => {
  t.is(ask('example.org', 'A').kind, 'forward');
  t.is(ask('1.1.168.192.in-addr.arpa', 'PTR').kind, 'forward');
});

test('malformed input: FORMERR, NOTIMP, dropped fragments and responses, never a throw', (t) => {
  const good = dnsPacket.encode({ id: 7, type: 'query', questions: [{ name: 'web.default.svc.cluster.local', type: 'A' }] });
  t.deepEqual(answer(view, opts, Buffer.from([1, 2, 3]), true), { kind: 'drop' });
  const resp = Buffer.from(good);
  resp[2] |= 0x80;
  t.deepEqual(answer(view, opts, resp, true), { kind: 'drop' });
  const two = Buffer.from(good);
  two.writeUInt16BE(2, 4);
  const r2 = answer(view, opts, two, true);
  t.is(r2.kind === 'reply' && r2.rcode, RCODE.FORMERR);
  const cut = answer(view, opts, good.subarray(0, good.length - 3), true);
  t.is(cut.kind === 'reply' && cut.rcode, RCODE.FORMERR);
  if (cut.kind === 'reply') t.is(cut.bytes.readUInt16BE(0), 7);
  const status = Buffer.from(good);
  status[2] = (status[2] & 0x87) | (2 << 3);
  const r3 = answer(view, opts, status, true);
  t.is(r3.kind === 'reply' && r3.rcode, RCODE.NOTIMP);
  for (let i = 0; i < 300; i++) {
    const junk = Buffer.from(good);
    junk[12 + (i % (good.length - 12))] = (i * 37) & 255;
    t.notThrows(() => answer(view, opts, junk, true));
  }
});

test('AXFR is refused; EDNS is echoed', (t) => {
  const r = ask('cluster.local', 'AXFR');
  t.is(r.kind === 'reply' && r.rcode, RCODE.REFUSED);
  const e = ask('web.default.svc.cluster.local', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.Answer] });
  t.true(e.kind === 'reply' && e.msg.additionals?.some((a) => a.type === 'OPT'));
});

test('a UDP answer over 512 bytes without EDNS comes back truncated', (t) => {
  const many = Array.from({ length: 60 }, (_, i) => ({ addresses: [`10.244.9.${i}`], conditions: { ready: true } }));
  slices.push(slice('default', 'big', 'IPv4', many));
  services.push(svc('default', 'big', { clusterIP: 'None' }));
  const r = ask('big.default.svc.cluster.local', 'A');
  if (r.kind !== 'reply') return t.fail();
  t.true(((r.msg.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) !== 0);
  t.is(r.msg.answers?.length, 0);
  t.true(r.bytes.length <= 512);
});
