// Requests to an extension apiserver: the aggregator's client certificate (front-proxy-client)
// and upstream's request-header identity (X-Remote-User, X-Remote-Group, X-Remote-Extra-*),
// the server's certificate checked against the APIService's caBundle (or not at all with
// insecureSkipTLSVerify). `proxy` streams a client's request and the answer through (watch
// streams included); `fetchFrom` reads a document (discovery, OpenAPI, the availability check).

import https from 'node:https';
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import { dialError } from './dial-error.ts';
import type { Endpoint } from './resolve.ts';
import type { ProxyIdentity, RemoteUser } from './types.ts';

export interface TlsTrust {
  /** PEM; from the APIService's caBundle (base64 of PEM). */
  ca?: string;
  insecureSkipTLSVerify?: boolean;
}

// One keep-alive pool: Node keys pooled sockets by host, port and every TLS option, so
// different APIServices never share a connection.
const agent = new https.Agent({ keepAlive: true, maxSockets: 32 });

// Hop-by-hop headers and credentials meant for this apiserver stay here.
const DROP = /^(connection|keep-alive|proxy-.*|te|trailer|transfer-encoding|upgrade|host|authorization|impersonate-.*|x-remote-.*)$/i;

export function identityHeaders(user: RemoteUser): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { 'X-Remote-User': user.username };
  if (user.groups.length) h['X-Remote-Group'] = [...user.groups];
  if (user.uid) h['X-Remote-Uid'] = user.uid;
  for (const [k, vs] of Object.entries(user.extra ?? {})) h[`X-Remote-Extra-${encodeURIComponent(k)}`] = [...vs];
  return h;
}

function options(ep: Endpoint, trust: TlsTrust, id: ProxyIdentity, method: string, headers: OutgoingHttpHeaders, timeoutMs?: number): https.RequestOptions {
  return {
    method,
    agent,
    headers: { ...headers, host: ep.url.host },
    ca: trust.insecureSkipTLSVerify ? undefined : trust.ca,
    rejectUnauthorized: !trust.insecureSkipTLSVerify,
    servername: ep.servername,
    cert: id.cert,
    key: id.key,
    timeout: timeoutMs,
  };
}

/** Streams `req` to the endpoint as `user`, and the answer back to `res`. */
export function proxy(ep: Endpoint, trust: TlsTrust, id: ProxyIdentity, user: RemoteUser, pathAndQuery: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!DROP.test(k) && v !== undefined) headers[k] = v;
  Object.assign(headers, identityHeaders(user));
  if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding'];
  return new Promise((resolve) => {
    const out = https.request(new URL(pathAndQuery, ep.url), options(ep, trust, id, req.method ?? 'GET', headers), (up) => {
      const back: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(up.headers)) if (!/^(connection|keep-alive|transfer-encoding)$/i.test(k) && v !== undefined) back[k] = v;
      res.writeHead(up.statusCode ?? 502, back);
      up.pipe(res);
      up.on('end', resolve);
      up.on('error', () => (res.destroy(), resolve()));
    });
    out.on('error', (e) => {
      if (!res.headersSent) {
        // Upstream's proxy answers a failed dial 503 with its reason in plain text.
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end(`Error trying to reach service: '${dialError(e)}'\n`);
      } else res.destroy();
      resolve();
    });
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
}

export interface Fetched {
  code: number;
  contentType: string;
  body: string;
}

/** GETs one document from the endpoint as `user` (the aggregator itself for its own checks). */
export function fetchFrom(ep: Endpoint, trust: TlsTrust, id: ProxyIdentity, path: string, user: RemoteUser, accept = 'application/json', timeoutMs = 5000): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, ep.url);
    const req = https.request(url, options(ep, trust, id, 'GET', { accept, ...identityHeaders(user) }, timeoutMs), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url.href}": context deadline exceeded`)));
    req.on('error', (e) => reject(e.message.startsWith('Get "') ? e : new Error(`Get "${url.href}": ${dialError(e)}`)));
    req.end();
  });
}

export function trustOf(spec: { caBundle?: string; insecureSkipTLSVerify?: boolean }): TlsTrust {
  return { ca: spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString('utf8') : undefined, insecureSkipTLSVerify: spec.insecureSkipTLSVerify };
}
