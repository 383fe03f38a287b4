// Exec, attach and port-forward: the runtime's streaming server (containerd's, on loopback)
// does the work; the kubelet asks CRI for a one-time URL and joins the apiserver's upgraded
// connection to it byte for byte, as the kubelet's redirect-less proxy mode does. SPDY/3.1
// and the WebSocket channel protocols containerd knows (v4.channel.k8s.io, channel.k8s.io,
// base64...) pass through; a client that offers only what the runtime lacks gets the
// runtime's refusal, on which kubectl falls back to SPDY.

import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { joinSockets } from '../../../client/join-sockets.ts';

const DROPPED = new Set(['host', 'authorization', 'content-length']);

export function proxyToRuntime(req: IncomingMessage, socket: Duplex, head: Buffer, runtimeUrl: string): void {
  const url = new URL(runtimeUrl);
  const upstream = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) });
  const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!DROPPED.has(req.rawHeaders[i].toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length) upstream.write(head);
  joinSockets(upstream, socket);
}

/** A plain HTTP reply on a socket that asked for an upgrade. */
export function replyOnSocket(socket: Duplex, code: number, text: string): void {
  const body = Buffer.from(`${text}\n`);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[code] ?? 'Error';
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString()}`);
}
