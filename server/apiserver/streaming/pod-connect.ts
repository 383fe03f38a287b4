// pods/log, pods/exec, pods/attach, pods/portforward and nodes/proxy as upstream's
// Connecters: find the pod and its node, check the options, then stream from the kubelet
// (logs: a plain HTTPS GET piped through; the rest: the upgraded connection joined to the
// kubelet's). Nothing is waited on without a bound: an unreachable or simulated kubelet
// fails at once with upstream's dial error.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../../api/types.ts';
import { StatusError, badRequest } from '../../../api/meta/errors.ts';
import type { SubresourceHandler } from '../api-context.ts';
import type { GenericStore } from '../registry/store.ts';
import type { RequestContext } from '../registry/types.ts';
import { kubeletLocation, kubeletRequest, type KubeletLocation, type KubeletTls } from './kubelet.ts';
import { chooseContainer, logQuery, nodeNameOf, portForwardQuery, streamQuery } from './pod-options.ts';
import { isUpgrade, proxyUpgrade, requireUpgrade } from './upgrade.ts';

export interface StreamingDeps {
  pods: GenericStore;
  nodes: GenericStore;
  tls: KubeletTls;
}

const MAX_ERROR_BODY = 64 * 1024;

async function nodeOf(deps: StreamingDeps, ctx: RequestContext, nodeName: string): Promise<KubeletLocation> {
  const node = await deps.nodes.get({ ...ctx, namespace: '' }, nodeName);
  return kubeletLocation(node);
}

/** A kubelet's error reply as upstream's GenericHttpResponseChecker turns it into a Status. */
export async function kubeletError(res: IncomingMessage, resource: string, name: string): Promise<StatusError> {
  let body = '';
  for await (const chunk of res) {
    body += (chunk as Buffer).toString('utf8');
    if (body.length > MAX_ERROR_BODY) break;
  }
  body = body.replace(/\n$/, '');
  const code = res.statusCode ?? 500;
  if (code === 400) return badRequest(body);
  if (code === 404) return new StatusError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource, causes: body ? [{ reason: 'UnexpectedServerResponse', message: body }] : undefined });
  if (code === 500) return new StatusError(500, 'InternalError', `Internal error occurred: ${body}`, { causes: [{ message: body }] });
  if (code === 403) return new StatusError(403, 'Forbidden', body || 'Forbidden');
  if (code === 401) return new StatusError(401, 'Unauthorized', body || 'Unauthorized');
  return new StatusError(code, '' as never, body || `the server responded with the status code ${code} but did not return more information`);
}

function logHandler(deps: StreamingDeps): SubresourceHandler {
  return {
    async connect(ctx, name, req, res, query) {
      const q = logQuery(query, name);
      const pod = await deps.pods.get(ctx, name);
      const container = chooseContainer(pod, query.get('container') ?? '');
      const nodeName = nodeNameOf(pod);
      if (!nodeName) {
        // As upstream: a pod not yet on a node has no logs (an empty 200).
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
        res.end();
        return;
      }
      const loc = await nodeOf(deps, ctx, nodeName);
      const path = `/containerLogs/${enc(ctx.namespace)}/${enc(name)}/${enc(container)}${q.size ? `?${q}` : ''}`;
      const up = await kubeletRequest(loc, deps.tls, 'GET', path);
      if ((up.statusCode ?? 500) < 200 || (up.statusCode ?? 500) > 206) throw await kubeletError(up, 'pods', name);
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      up.on('data', (chunk: Buffer) => res.write(chunk));
      up.on('end', () => res.end());
      up.on('error', () => res.destroy());
      req.on('close', () => up.destroy());
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
    },
  };
}

type Kind = 'exec' | 'attach' | 'portforward';

function streamHandler(deps: StreamingDeps, kind: Kind): SubresourceHandler {
  return {
    async connect(ctx, name, req, res, query) {
      const pod = await deps.pods.get(ctx, name);
      let path: string;
      if (kind === 'portforward') {
        const q = portForwardQuery(query, name);
        path = `/portForward/${enc(ctx.namespace)}/${enc(name)}${q.size ? `?${q}` : ''}`;
      } else {
        const container = chooseContainer(pod, query.get('container') ?? '');
        const q = streamQuery(query, kind === 'exec');
        path = `/${kind}/${enc(ctx.namespace)}/${enc(name)}/${enc(container)}?${q}`;
      }
      const nodeName = nodeNameOf(pod);
      if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
      requireUpgrade(req);
      const loc = await nodeOf(deps, ctx, nodeName);
      await proxyUpgrade(req, res, loc, deps.tls, path);
    },
  };
}

/** nodes/{name}/proxy/{path}: any request to the node's kubelet (stats/summary, pods, healthz...). */
function nodeProxyHandler(deps: StreamingDeps): SubresourceHandler {
  return {
    async connect(ctx, name, req, res: ServerResponse, query, rest) {
      const loc = kubeletLocation(await deps.nodes.get(ctx, name));
      const path = `/${rest.map(enc).join('/')}${query.size ? `?${query}` : ''}`;
      if (isUpgrade(req)) return proxyUpgrade(req, res, loc, deps.tls, path);
      const up = await kubeletRequest(loc, deps.tls, req.method ?? 'GET', path, pick(req, ['accept', 'content-type']));
      const headers: Record<string, string> = {};
      for (const h of ['content-type', 'content-length', 'content-encoding']) if (up.headers[h]) headers[h] = String(up.headers[h]);
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
      req.on('close', () => up.destroy());
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
    },
  };
}

function pick(req: IncomingMessage, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (typeof req.headers[n] === 'string') out[n] = req.headers[n] as string;
  return out;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The subresource seam's entry: the connect handlers by resource and subresource. */
export function streamingHandlers(deps: () => StreamingDeps): (group: string, plural: string, sub: string) => SubresourceHandler | undefined {
  return (group, plural, sub) => {
    if (group !== '') return undefined;
    if (plural === 'pods' && sub === 'log') return logHandler(deps());
    if (plural === 'pods' && (sub === 'exec' || sub === 'attach' || sub === 'portforward')) return streamHandler(deps(), sub);
    if (plural === 'nodes' && sub === 'proxy') return nodeProxyHandler(deps());
    return undefined;
  };
}

export type { KubeObject };
