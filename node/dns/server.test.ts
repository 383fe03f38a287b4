import test from 'ava';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import { createInformerFactory } from '../../client/informer.ts';
import { startTestServer, eventually, namespaces } from '../../testing/test-server.ts';
import { ENDPOINT_SLICES, SERVICES } from '../proxy/types.ts';
import { startDnsServer } from './server.ts';
import { publishDnsEndpoint } from './node-endpoint.ts';

function udpQuery(port: number, msg: Buffer, ms = 2000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => (s.close(), resolve(undefined)), ms);
    s.on('message', (m) => (clearTimeout(timer), s.close(), resolve(m)));
    s.send(msg, port, '127.0.0.1');
  });
}

function tcpQuery(port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      s.write(Buffer.concat([len, msg]));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 + buf.readUInt16BE(0)) (s.destroy(), resolve(buf.subarray(2, 2 + buf.readUInt16BE(0))));
    });
  });
}

const q = (name: string, type: dnsPacket.RecordType = 'A', id = 1) => dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] });
type Decoded = { id: number; rcode: string; answers?: Array<{ data: unknown }> };
const dec = (b: Buffer) => dnsPacket.decode(b) as unknown as Decoded;
const ips = (b: Buffer | undefined) => (b ? dec(b).answers?.map((a) => a.data) ?? [] : 'no answer');

test('serves Services from the API, forwards the rest, survives garbage', async (t) => {
  const ts = await startTestServer();
  const client = ts.client();
  // The fake upstream resolver on loopback: answers every A query with 192.0.2.1.
  const upstream = createSocket('udp4');
  upstream.on('message', (m, r) => {
    const p = dnsPacket.decode(m);
    upstream.send(dnsPacket.encode({ id: p.id, type: 'response', flags: dnsPacket.RECURSION_AVAILABLE, questions: p.questions, answers: [{ type: 'A', name: p.questions![0].name, ttl: 60, data: '192.0.2.1' }] }), r.port, r.address);
  });
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', () => r()));
  const informers = createInformerFactory(client);
  const dns = await startDnsServer({ informers, host: '127.0.0.1', port: 0, upstream: { host: '127.0.0.1', port: upstream.address().port } });
  informers.start();
  t.teardown(async () => {
    await dns.close();
    informers.stop();
    upstream.close();
    await ts.close();
  });
  await informers.waitForSync();

  await client.create(namespaces, '', { metadata: { name: 'shop' } });
  await client.create(SERVICES, 'shop', { metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }], selector: { app: 'web' } } });
  await client.create(SERVICES, 'shop', { metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } });
  await client.create(ENDPOINT_SLICES, 'shop', {
    metadata: { name: 'db-1', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.5'], hostname: 'db-0', conditions: { ready: true } }],
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  });
  const web = await client.get<{ spec: { clusterIP: string } }>(SERVICES, 'shop', 'web');

  await eventually(async () => JSON.stringify(ips(await udpQuery(dns.port, q('db-0.db.shop.svc.cluster.local')))) === '["10.244.0.5"]', 5000, 'headless record');
  t.deepEqual(ips(await udpQuery(dns.port, q('web.shop.svc.cluster.local'))), [web.spec.clusterIP]);
  t.deepEqual(ips(await tcpQuery(dns.port, q('web.shop.svc.cluster.local'))), [web.spec.clusterIP]);
  t.deepEqual(ips(await udpQuery(dns.port, q('kubernetes.default.svc.cluster.local'))), ['10.96.0.1']);
  t.deepEqual(ips(await udpQuery(dns.port, q('kube-dns.kube-system.svc.cluster.local'))), ['10.96.0.10']);
  t.is(dec((await udpQuery(dns.port, q('nope.shop.svc.cluster.local')))!).rcode, 'NXDOMAIN');
  t.deepEqual(ips(await udpQuery(dns.port, q('example.org', 'A', 77))), ['192.0.2.1']);
  t.is(dec((await udpQuery(dns.port, q('example.org', 'A', 77)))!).id, 77);

  // Garbage, a fragment, a response: answered or ignored, and the server keeps serving.
  t.is(dec((await udpQuery(dns.port, Buffer.concat([q('x.org').subarray(0, 14), Buffer.alloc(3)])))!).rcode, 'FORMERR');
  t.is(await udpQuery(dns.port, Buffer.from([1, 2]), 300), undefined);
  t.is(dec((await udpQuery(dns.port, Buffer.concat([q('x.org').subarray(0, 12), Buffer.alloc(4000, 0xff)])))!).rcode, 'FORMERR');
  t.deepEqual(ips(await udpQuery(dns.port, q('web.shop.svc.cluster.local'))), [web.spec.clusterIP]);

  // The agent's endpoint of kube-dns is accepted by the API, twice (create, then replace).
  await publishDnsEndpoint(client, { name: 'n1' }, '10.88.0.1', 10053);
  await publishDnsEndpoint(client, { name: 'n1' }, '10.88.0.1', 10053);
  const slice = await client.get<{ endpoints: { addresses: string[] }[] }>(ENDPOINT_SLICES, 'kube-system', 'kube-dns-n1');
  t.deepEqual(slice.endpoints[0].addresses, ['10.88.0.1']);

  // A deleted Service is gone from DNS at once.
  await client.delete(SERVICES, 'shop', 'web');
  await eventually(async () => dec((await udpQuery(dns.port, q('web.shop.svc.cluster.local')))!).rcode === 'NXDOMAIN', 5000, 'NXDOMAIN after delete');
  t.is(dns.stats.failed, 0);
});

test('an upstream that does not answer gives SERVFAIL', async (t) => {
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const view = { service: () => undefined, slices: () => [], namespaceExists: () => false, servicesByIP: () => [], slicesByIP: () => [] };
  const dns = await startDnsServer({ view, host: '127.0.0.1', port: 0, upstream: { host: '127.0.0.1', port: silent.address().port } });
  t.teardown(async () => (await dns.close(), silent.close()));
  const r = await udpQuery(dns.port, q('example.org'), 5000);
  t.is(dec(r!).rcode, 'SERVFAIL');
});
