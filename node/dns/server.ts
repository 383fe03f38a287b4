// The cluster DNS server kubets runs on each node (in `kubets agent`): UDP and TCP on one
// address and port, answering the cluster zone from the informers (records.ts, answer.ts) and
// forwarding the rest upstream (forward.ts). Every failure stays inside one query: a bad
// message gets its FORMERR, an upstream that does not answer a SERVFAIL, and the server
// keeps serving.

import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server } from 'node:net';
import type { InformerFactory, Log } from '../../client/types.ts';
import { answer, servfail, type AnswerOptions } from './answer.ts';
import { clusterDnsView } from './cluster-view.ts';
import { forwardTcp, forwardUdp, type Upstream } from './forward.ts';
import type { DnsView } from './records.ts';

export const DEFAULT_ZONE = 'cluster.local';
/** CoreDNS's kubernetes plugin's default TTL. */
export const DEFAULT_TTL = 5;

export interface DnsServerOptions {
  /** Informers the records come from (Services, EndpointSlices, Namespaces); or a view. */
  informers?: InformerFactory;
  view?: DnsView;
  /** Address to listen on; port 0 picks one free for both UDP and TCP. */
  host: string;
  port: number;
  zone?: string;
  ttl?: number;
  /** The kube-dns Service IP, answered for `ns.dns.<zone>`. */
  dnsIP?: string;
  /** Where names outside the zone go; none means SERVFAIL for them. */
  upstream?: Upstream;
  log?: Log;
}

export interface DnsServer {
  host: string;
  port: number;
  /** Queries answered, by outcome, since start. */
  stats: { answered: number; forwarded: number; dropped: number; failed: number };
  close(): Promise<void>;
}

export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const view = o.view ?? clusterDnsView(o.informers!);
  const started = Math.floor(Date.now() / 1000);
  const opts: AnswerOptions = { zone: o.zone ?? DEFAULT_ZONE, ttl: o.ttl ?? DEFAULT_TTL, dnsIP: o.dnsIP, serial: () => started };
  const stats = { answered: 0, forwarded: 0, dropped: 0, failed: 0 };

  async function handle(buf: Buffer, udp: boolean): Promise<Buffer | undefined> {
    let out;
    try {
      out = answer(view, opts, buf, udp);
    } catch (e) {
      stats.failed++;
      o.log?.error('dns query failed', { error: String(e) });
      return buf.length >= 12 ? servfail(buf) : undefined;
    }
    if (out.kind === 'drop') {
      stats.dropped++;
      return undefined;
    }
    if (out.kind === 'reply') {
      stats.answered++;
      return out.bytes;
    }
    stats.forwarded++;
    if (!o.upstream) return servfail(buf);
    try {
      return await (udp ? forwardUdp(o.upstream, buf) : forwardTcp(o.upstream, buf));
    } catch (e) {
      o.log?.debug('dns forward failed', { error: String(e) });
      return servfail(buf);
    }
  }

  const { udp, tcp, port } = await listen(o.host, o.port);
  tcp.on('error', (e) => o.log?.error('dns tcp server error', { error: String(e) }));
  udp.on('message', (msg, rinfo) => {
    void handle(msg, true).then((reply) => {
      if (reply) udp.send(reply, rinfo.port, rinfo.address);
    });
  });
  tcp.on('connection', (sock) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => sock.destroy());
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void handle(msg, false).then((reply) => {
          if (!reply || sock.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          sock.write(Buffer.concat([len, reply]));
        });
      }
    });
  });
  return {
    host: o.host,
    port,
    stats,
    close: () => Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]).then(() => undefined),
  };
}

/** UDP and TCP on the same port (port 0: the UDP socket picks one, TCP follows; retried if taken). */
async function listen(host: string, port: number): Promise<{ udp: Socket; tcp: Server; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => resolve());
    });
    udp.on('error', () => {});
    const bound = udp.address().port;
    const tcp = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(bound, host, () => resolve());
      });
      return { udp, tcp, port: bound };
    } catch (e) {
      udp.close();
      if (port !== 0 || attempt >= 5) throw e;
    }
  }
}
