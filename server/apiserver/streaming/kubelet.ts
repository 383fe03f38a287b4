// Reaching a node's kubelet from the apiserver, as upstream's KubeletConnectionInfo: the
// Node's address (InternalIP, ExternalIP, then Hostname) and
// status.daemonEndpoints.kubeletEndpoint.Port (10250 when unset), over HTTPS with the
// apiserver's kubelet-client certificate, verifying the kubelet against the cluster CA
// (its serving certificate comes from the kubelet-serving signer).

import https from 'node:https';
import tls from 'node:tls';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';

export const DEFAULT_KUBELET_PORT = 10250;
export const SIMULATED_NODE_ANNOTATION = 'kubets.io/simulated';
const DIAL_TIMEOUT_MS = 10_000;

export interface KubeletTls {
  ca: string;
  cert: string;
  key: string;
}

export interface KubeletLocation {
  nodeName: string;
  host: string;
  port: number;
  /** Set for a simulated node: nothing listens there, and nothing is dialled. */
  simulated: boolean;
}

type NodeStatus = { addresses?: { type?: string; address?: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };

export function kubeletLocation(node: KubeObject): KubeletLocation {
  const status = (node.status ?? {}) as NodeStatus;
  const addrs = status.addresses ?? [];
  const host = ['InternalIP', 'ExternalIP', 'Hostname'].map((t) => addrs.find((a) => a.type === t)?.address).find(Boolean);
  const name = node.metadata?.name ?? '';
  if (!host) throw new StatusError(500, '' as never, `no preferred addresses found; known addresses: []`);
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  return { nodeName: name, host, port, simulated: node.metadata?.annotations?.[SIMULATED_NODE_ANNOTATION] === 'true' };
}

export function hostPort(loc: KubeletLocation): string {
  return loc.host.includes(':') ? `[${loc.host}]:${loc.port}` : `${loc.host}:${loc.port}`;
}

/** Upstream's answer when the backend cannot be dialled: a Status with code 500 and no reason. */
export function dialError(what: string, cause: string): StatusError {
  return new StatusError(500, '' as never, `${what}: ${cause}`);
}

/** Why a simulated node cannot answer (promptly, without dialling its made-up address). */
export function simulatedCause(loc: KubeletLocation): string {
  return `dial tcp ${hostPort(loc)}: node "${loc.nodeName}" is simulated: no kubelet serves it`;
}

/** A plain HTTPS request to the kubelet; resolves with the response (any status). */
export function kubeletRequest(loc: KubeletLocation, tlsOpts: KubeletTls, method: string, pathAndQuery: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  const url = `https://${hostPort(loc)}${pathAndQuery}`;
  if (loc.simulated) return Promise.reject(dialError(`${method === 'GET' ? 'Get' : method} "${url}"`, simulatedCause(loc)));
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: tlsOpts.ca, cert: tlsOpts.cert, key: tlsOpts.key, servername: isIP(loc.host) ? undefined : loc.host, timeout: DIAL_TIMEOUT_MS }, resolve);
    req.on('timeout', () => req.destroy(new Error(`dial tcp ${hostPort(loc)}: i/o timeout`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(dialError(`${method === 'GET' ? 'Get' : method} "${url}"`, goDialMessage(loc, e))));
    req.end();
  });
}

/** Node's socket errors in the words of Go's net package, which upstream's messages carry. */
export function goDialMessage(loc: KubeletLocation, e: NodeJS.ErrnoException): string {
  if (e.code === 'ECONNREFUSED') return `dial tcp ${hostPort(loc)}: connect: connection refused`;
  if (e.code === 'EHOSTUNREACH') return `dial tcp ${hostPort(loc)}: connect: no route to host`;
  if (e.code === 'ENOTFOUND') return `dial tcp: lookup ${loc.host}: no such host`;
  return e.message;
}

/** A TLS connection to the kubelet for an upgraded stream. */
export function dialKubelet(loc: KubeletLocation, tlsOpts: KubeletTls): Promise<tls.TLSSocket> {
  if (loc.simulated) return Promise.reject(dialError('error dialing backend', simulatedCause(loc)));
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: loc.host, port: loc.port, ca: tlsOpts.ca, cert: tlsOpts.cert, key: tlsOpts.key, servername: isIP(loc.host) ? undefined : loc.host, timeout: DIAL_TIMEOUT_MS });
    s.once('secureConnect', () => {
      s.setTimeout(0);
      resolve(s);
    });
    s.once('timeout', () => s.destroy(new Error(`dial tcp ${hostPort(loc)}: i/o timeout`)));
    s.once('error', (e: NodeJS.ErrnoException) => reject(dialError('error dialing backend', goDialMessage(loc, e))));
  });
}
