// Where a webhook is reached and the one HTTPS POST to it, shared by admission webhooks and
// CRD conversion webhooks as upstream shares k8s.io/apiserver's webhook client between them:
// `clientConfig.url`, or `clientConfig.service` resolved to a ready EndpointSlice address of
// the Service port (upstream's endpoint routing; the ClusterIP is not reachable from here),
// its certificate checked against `<svc>.<ns>.svc` and the caBundle, `?timeout=` sent as
// upstream sends it. Failures read as upstream's dialer words them: `Post "<url>": <why>`,
// the URL a service target shows being `https://<svc>.<ns>.svc:<port><path>`.

import { request } from 'node:https';
import { isIP } from 'node:net';
import { dialError } from '../../aggregation/dial-error.ts';
import { isEndpoint, resolveService, type Unavailable } from '../../aggregation/resolve.ts';
import type { ClusterReader, ServiceReference } from '../../aggregation/types.ts';

export interface ClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

/** Where to send: a URL, and the TLS server name to check the certificate against. */
export interface Target {
  url: URL;
  /** The URL errors name: a service target's `https://<svc>.<ns>.svc:<port>`, as upstream's (`:443` too). */
  shown: string;
  servername: string | undefined;
}

/** A call that got no well-formed answer; its message is what upstream's client says. */
export class CallError extends Error {}

// Why a Service cannot be dialled, in the words of upstream's endpoint resolver (rather than
// the aggregator's Available condition, which resolve.ts gives).
function unreachable(ref: Required<ServiceReference>, u: Unavailable): string {
  switch (u.reason) {
    case 'ServiceNotFound': return `service "${ref.name}" not found`;
    case 'ServicePortError': return `no service port ${ref.port} found for service "${ref.name}"`;
    case 'EndpointsNotFound':
    case 'MissingEndpoints': return `no endpoints available for service "${ref.name}"`;
    default: return u.message;
  }
}

/** The target of a clientConfig; a Service that cannot be dialled is a CallError. */
export async function resolveTarget(reader: ClusterReader, cc: ClientConfig, timeoutSeconds: number): Promise<Target> {
  const withTimeout = (u: URL) => {
    u.searchParams.set('timeout', `${timeoutSeconds}s`);
    return u;
  };
  if (cc.url) {
    const url = withTimeout(new URL(cc.url));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Node checks an IP against the certificate's IP SANs itself; SNI never carries an IP.
    return { url, shown: url.href, servername: isIP(host) ? undefined : host };
  }
  const s = cc.service;
  if (!s) throw new CallError('webhook has no clientConfig.url nor clientConfig.service');
  const ref = { namespace: s.namespace, name: s.name, port: s.port ?? 443 };
  // A URL drops the scheme's default port; upstream's message keeps it.
  const u = withTimeout(new URL(`https://${s.name}.${s.namespace}.svc:${ref.port}${s.path ?? ''}`));
  const shown = `https://${s.name}.${s.namespace}.svc:${ref.port}${u.pathname}${u.search}`;
  const ep = await resolveService(reader, ref);
  if (!isEndpoint(ep)) throw new CallError(`Post "${shown}": ${unreachable(ref, ep)}`);
  return { url: withTimeout(new URL(`${ep.url.origin}${s.path ?? ''}`)), shown, servername: ep.servername };
}

/** POSTs JSON to the target trusting only the caBundle; a transport failure is a CallError. */
export function postJson(target: Target, caBundle: string | undefined, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        ca: caBundle ? Buffer.from(caBundle, 'base64').toString() : undefined,
        servername: target.servername,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', (e: Error) => reject(new CallError(`Post "${target.shown}": ${dialError(e)}`)));
      },
    );
    req.on('error', (e: Error) => reject(new CallError(`Post "${target.shown}": ${dialError(e)}`)));
    req.end(body);
  });
}
