// Names outside the cluster go to the upstream resolver (the node's /etc/resolv.conf
// nameserver, or one given), as CoreDNS's `forward . /etc/resolv.conf` does: the query is sent
// as received, over the protocol the client used, and the upstream's answer is returned as is.
// No answer within the timeout is a SERVFAIL (answer.ts).

import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export const FORWARD_TIMEOUT_MS = 2000;

/** The first nameserver of a resolv.conf, or undefined. */
export function upstreamFromResolvConf(path = '/etc/resolv.conf'): Upstream | undefined {
  try {
    const m = /^\s*nameserver\s+(\S+)/m.exec(readFileSync(path, 'utf8'));
    return m ? { host: m[1], port: 53 } : undefined;
  } catch {
    return undefined;
  }
}

export function forwardUdp(up: Upstream, query: Buffer, timeoutMs = FORWARD_TIMEOUT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(up.host) ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const timer = setTimeout(() => finish(new Error('upstream timed out')), timeoutMs);
    const finish = (err?: Error, msg?: Buffer) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(msg!);
    };
    sock.on('error', (e) => finish(e));
    sock.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(undefined, msg);
    });
    sock.send(query, up.port, up.host);
  });
}

export function forwardTcp(up: Upstream, query: Buffer, timeoutMs = FORWARD_TIMEOUT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect(up.port, up.host);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('upstream timed out')), timeoutMs);
    const finish = (err?: Error, msg?: Buffer) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(msg!);
    };
    sock.on('error', (e) => finish(e));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('end', () => finish(new Error('upstream closed the connection')));
  });
}
