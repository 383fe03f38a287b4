// Upgraded connections (WebSocket, SPDY) through the normal request pipeline: the HTTPS
// server's 'upgrade' event runs the same koa app (authn, authz, routing) with a response
// bound to the raw socket, so errors before the switch are ordinary Status replies. A
// connect handler then takes the socket over and joins it to the kubelet byte for byte, as
// upstream's UpgradeAwareHandler does: whatever the client speaks (v5.channel.k8s.io over
// WebSocket, SPDY/3.1, SPDY tunnelled in WebSocket) reaches the kubelet unchanged.

import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { badRequest } from '../../../api/meta/errors.ts';
import { joinSockets } from '../../../client/join-sockets.ts';
import { dialKubelet, hostPort, type KubeletLocation, type KubeletTls } from './kubelet.ts';

const heads = new WeakMap<IncomingMessage, Buffer>();

/** An http.Server 'upgrade' listener that hands the request to a request listener. */
export function upgradeListener(handle: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    heads.set(req, head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    // A plain reply (an error before the switch) ends the connection once written.
    res.on('finish', () => socket.end());
    socket.on('error', () => socket.destroy());
    handle(req, res);
  };
}

export function isUpgrade(req: IncomingMessage): boolean {
  return heads.has(req);
}

export function requireUpgrade(req: IncomingMessage): void {
  if (!isUpgrade(req)) throw badRequest('Upgrade request required');
}

const HOP_BY_HOP_DROPPED = new Set(['host', 'authorization', 'impersonate-user', 'impersonate-group', 'impersonate-uid', 'content-length']);
const BEARER_PROTOCOL = 'base64url.bearer.authorization.k8s.io.';

/** The request's headers for the kubelet: credentials for the apiserver stay here. */
export function forwardedHeaders(req: IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    let value = req.rawHeaders[i + 1];
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_DROPPED.has(lower) || lower.startsWith('impersonate-extra-')) continue;
    if (lower === 'sec-websocket-protocol') {
      value = value.split(',').map((p) => p.trim()).filter((p) => p && !p.startsWith(BEARER_PROTOCOL)).join(', ');
      if (!value) continue;
    }
    out.push(`${name}: ${value}`);
  }
  return out;
}

/** Joins the client's upgraded connection to the kubelet at pathAndQuery. */
export async function proxyUpgrade(req: IncomingMessage, res: ServerResponse, loc: KubeletLocation, tls: KubeletTls, pathAndQuery: string): Promise<void> {
  const upstream = await dialKubelet(loc, tls);
  const socket = res.socket as Socket;
  res.removeAllListeners('finish');
  res.detachSocket(socket);
  const head = [`${req.method} ${pathAndQuery} HTTP/1.1`, `Host: ${hostPort(loc)}`, ...forwardedHeaders(req), '', ''].join('\r\n');
  upstream.write(head);
  const early = heads.get(req);
  if (early?.length) upstream.write(early);
  joinSockets(upstream, socket);
}
