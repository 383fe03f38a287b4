// HTTPS plumbing for bench/api: one keep-alive agent carrying the admin client certificate,
// plain request/response calls over it, and a bare Node HTTPS server as the reference.

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Pki } from '../../server/pki/index.ts';

export interface Reply {
  status: number;
  body: string;
}

export interface Target {
  agent: https.Agent;
  host: string;
  port: number;
}

/** A keep-alive agent presenting the admin client certificate and trusting the cluster CA. */
export function adminAgent(pki: Pki, maxSockets: number): https.Agent {
  return new https.Agent({ keepAlive: true, maxSockets, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey });
}

export function target(agent: https.Agent, url: string): Target {
  const u = new URL(url);
  return { agent, host: u.hostname, port: Number(u.port) };
}

/** One request; resolves with the status and the whole body. */
export function call(t: Target, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string | number> = { Accept: 'application/json', ...headers };
    if (body !== undefined) {
      h['Content-Type'] ??= 'application/json';
      h['Content-Length'] = Buffer.byteLength(body);
    }
    const req = https.request({ agent: t.agent, host: t.host, port: t.port, method, path, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Like call, but throws unless the status is the one wanted. */
export async function expect(t: Target, want: number, method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Reply> {
  const r = await call(t, method, path, body, headers);
  if (r.status !== want) throw new Error(`${method} ${path}: want ${want}, got ${r.status}: ${r.body.slice(0, 300)}`);
  return r;
}

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The reference: Node's HTTPS server with the apiserver's certificate, answering `body` to
 * everything; with `parse`, it reads each request's JSON body, parses it and answers it
 * serialized again with 201 (the floor under any create: TLS, HTTP, JSON both ways).
 */
export async function startBareServer(pki: Pki, body: string, o: { parse?: boolean } = {}): Promise<BareServer> {
  const server = https.createServer(
    { key: pki.servingKey, cert: pki.servingCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => o.parse && chunks.push(c));
      req.on('end', () => {
        const out = o.parse ? JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : body;
        res.writeHead(o.parse ? 201 : 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(out) });
        res.end(out);
      });
    },
  );
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
