// bench/network: the node's Service networking, each figure beside a reference from the same run.
// 1. Proxy sync for SERVICES Services x ENDPOINTS endpoints (an apiserver in this process, the
//    proxier's informers, nft inside a network namespace made for the run): the full ruleset's
//    sync time, then EndpointSlice change -> rules installed (event received by the informer
//    to the end of the first sync that started after it), p50/p99, with every sync full (the
//    reference: the proxy before partial syncs) beside partial syncs. Upstream's SLI: p99 < 1 s.
// 2. DNS queries per second: kubets' server (informers of the same apiserver) beside a
//    minimal responder answering one A record from memory, the same load generator
//    (bench/network/dns-load.mjs, a process of its own) against each.
// 3. Requests per second through a ClusterIP beside the same requests to the pod IP
//    (testing/netns.ts: a server pod and a client pod on a bridge, sequential TCP requests).
// Needs root, nft and iproute2.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { createInformerFactory } from '../client/informer.ts';
import { startTestServer } from '../testing/test-server.ts';
import { nftRunner } from '../node/proxy/apply.ts';
import { startProxier } from '../node/proxy/proxier.ts';
import { buildEntries } from '../node/proxy/model.ts';
import { buildRuleset } from '../node/proxy/rules.ts';
import { ENDPOINT_SLICES, SERVICES, type EndpointSlice } from '../node/proxy/types.ts';
import { startDnsServer } from '../node/dns/server.ts';
import { createTestbed } from '../testing/netns.ts';
import { fmt, percentile, printTable } from './stats.ts';

const run = promisify(execFile);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await fn(items[i++]); }));
}

const sliceOf = (i: number, gen: number, endpoints: number): EndpointSlice => ({
  metadata: { name: `s${i}-1`, labels: { 'kubernetes.io/service-name': `s${i}` } },
  addressType: 'IPv4',
  endpoints: Array.from({ length: endpoints }, (_, e) => ({ addresses: [`10.${64 + (gen % 100)}.${Math.floor(i / 8)}.${(i % 8) * 16 + e + 1}`], conditions: { ready: true }, nodeName: 'n1' })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

async function dnsQps(port: number, name: string, seconds: number): Promise<number> {
  const child = spawn(process.execPath, [here('./network/dns-load.mjs'), '127.0.0.1', String(port), name, String(seconds), '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => child.on('close', r));
  return JSON.parse(out).qps as number;
}

/** The reference: decode, answer one A record from memory, encode. */
async function minimalResponder(): Promise<{ port: number; close(): void }> {
  const sock = createSocket('udp4');
  sock.on('message', (m, r) => {
    const q = dnsPacket.decode(m);
    sock.send(dnsPacket.encode({ id: q.id, type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers: [{ type: 'A', name: q.questions![0].name, ttl: 5, data: '10.96.0.20' }] }), r.port, r.address);
  });
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  return { port: sock.address().port, close: () => sock.close() };
}

export async function benchNetwork(o: { services?: number; endpoints?: number; changes?: number } = {}): Promise<void> {
  const services = o.services ?? 1000;
  const endpoints = o.endpoints ?? 10;
  const changes = o.changes ?? 50;
  const ts = await startTestServer();
  const client = ts.client({ qps: 5000, burst: 5000 });
  const netns = `kt${randomBytes(3).toString('hex')}-bench`;
  await run('ip', ['netns', 'add', netns]);
  try {
    const t0 = performance.now();
    await pool(Array.from({ length: services }, (_, i) => i), 32, async (i) => {
      await client.create(SERVICES, 'default', { metadata: { name: `s${i}` }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
      await client.create(ENDPOINT_SLICES, 'default', sliceOf(i, 0, endpoints));
    });
    console.log(`created ${services} Services and EndpointSlices in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    // 1. Proxy: full syncs for every change (the reference: what every sync was before partial
    // syncs), then partial syncs, the same changes against the same Services.
    const informers = createInformerFactory(client);
    const received = new Map<string, number>();
    informers.informer(ENDPOINT_SLICES).addEventHandler({ update: (_a, b) => received.set(b.metadata?.name ?? '', performance.timeOrigin + performance.now()) });
    informers.start();
    let gen = 1;
    const measure = async (fullSyncPeriodMs: number) => {
      const syncs: { started: number; ended: number }[] = [];
      const proxier = startProxier({ informers, nodeName: 'n1', nft: nftRunner(netns), clusterCIDR: '10.64.0.0/10', fullSyncPeriodMs, onSync: (started, ms) => syncs.push({ started, ended: started + ms }) });
      await proxier.sync();
      const full = syncs.at(-1)!.ended - syncs.at(-1)!.started;
      const lat: number[] = [];
      for (let c = 0; c < changes; c++) {
        const i = (c * 37) % services;
        const name = `s${i}-1`;
        const cur = await client.get<EndpointSlice>(ENDPOINT_SLICES, 'default', name);
        received.delete(name);
        const next = sliceOf(i, gen++, endpoints);
        await client.update(ENDPOINT_SLICES, 'default', { ...next, metadata: { ...next.metadata, resourceVersion: cur.metadata?.resourceVersion } });
        for (;;) {
          const at = received.get(name);
          const done = at !== undefined ? syncs.find((s) => s.started >= Math.floor(at)) : undefined;
          if (done && at !== undefined) {
            lat.push(done.ended - at);
            break;
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      proxier.stop();
      return { full, lat: lat.sort((a, b) => a - b) };
    };
    const before = await measure(0);
    const after = await measure(60 * 60_000);
    const all = informers.informer(SERVICES).lister.list();
    const slicesOf = (ns: string, n: string) => informers.informer<EndpointSlice>(ENDPOINT_SLICES).lister.byIndex('kubernetes.io/service-name', `${ns}/${n}`);
    const builds: number[] = [];
    let rs = buildRuleset(buildEntries(all, slicesOf, 'n1'));
    for (let i = 0; i < 5; i++) {
      const b0 = performance.now();
      rs = buildRuleset(buildEntries(all, slicesOf, 'n1'), { clusterCIDR: '10.64.0.0/10' });
      builds.push(performance.now() - b0);
    }
    const build = percentile(builds.sort((a, b) => a - b), 50);
    printTable(`proxy sync: ${services} Services x ${endpoints} endpoints (nft in a network namespace)`, ['figure', 'full syncs (reference)', 'partial syncs'], [
      ['ruleset', `${fmt(rs.text.length / 1024)} KiB, ${fmt(rs.chains.length)} chains`, ''],
      ['first sync (build + nft -f, always full)', `${fmt(before.full)} ms`, `${fmt(after.full)} ms`],
      ['entries + ruleset built in JS, nothing changed (median of 5)', `${fmt(build)} ms`, `${fmt(build)} ms`],
      [`EndpointSlice change -> rules installed, p50 (${changes} changes)`, `${fmt(percentile(before.lat, 50))} ms`, `${fmt(percentile(after.lat, 50))} ms`],
      ['... p99 (upstream SLI: < 1,000 ms)', `${fmt(percentile(before.lat, 99))} ms`, `${fmt(percentile(after.lat, 99))} ms`],
    ]);

    // 2. DNS.
    const dns = await startDnsServer({ informers, host: '127.0.0.1', port: 0 });
    const ref = await minimalResponder();
    const seconds = 4;
    const ours = await dnsQps(dns.port, 's500.default.svc.cluster.local', seconds);
    const theirs = await dnsQps(ref.port, 's500.default.svc.cluster.local', seconds);
    await dns.close();
    ref.close();
    informers.stop();
    printTable('DNS: A queries per second, 64 in flight over UDP, one generator process', ['server', 'qps', 'ratio'], [
      ['minimal responder from memory (reference)', fmt(theirs), '1.00'],
      [`kubets cluster DNS (informers, ${services} Services)`, fmt(ours), fmt(ours / theirs, 2)],
    ]);
  } finally {
    await run('ip', ['netns', 'del', netns]).catch(() => undefined);
    await ts.close();
  }

  // 3. ClusterIP vs pod IP.
  const tb = await createTestbed({ pods: 2 });
  try {
    const [server, clientPod] = tb.pods;
    const echo = here('../testing/net-echo.mjs');
    const p = tb.spawn(server.netns, ['node', echo, 'serve', 'a', '8080']);
    await new Promise((r) => p.stdout!.once('data', r));
    const entries = buildEntries([{ metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80 }] } }], () => [{ metadata: { name: 'w' }, addressType: 'IPv4', endpoints: [{ addresses: [server.ip], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }], 'n1');
    const { NftApplier } = await import('../node/proxy/apply.ts');
    await new NftApplier(nftRunner(tb.node)).apply(buildRuleset(entries, { clusterCIDR: '10.244.0.0/16' }));
    const n = 3000;
    const rate = async (host: string, port: number) => {
      const s = performance.now();
      const r = JSON.parse(await tb.exec(clientPod.netns, ['node', echo, 'ask', host, String(port), String(n)], { timeoutMs: 120_000 }));
      if (Object.keys(r.errors).length) throw new Error(`errors: ${JSON.stringify(r.errors)}`);
      return n / ((performance.now() - s) / 1000);
    };
    const direct = await rate(server.ip, 8080);
    const viaService = await rate('10.96.0.20', 80);
    printTable(`TCP requests per second (connect, one answer, close; ${n} sequential, one client)`, ['path', 'req/s', 'ratio'], [
      ['pod IP (reference)', fmt(direct), '1.00'],
      ['ClusterIP (nftables DNAT)', fmt(viaService), fmt(viaService / direct, 2)],
    ]);
  } finally {
    await tb.close();
  }
}
