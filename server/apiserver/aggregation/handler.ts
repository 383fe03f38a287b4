// Requests for a group version an extension apiserver serves: after authentication and
// authorization here, they are proxied to the APIService's Service (resolved to an endpoint
// on every request) as the requesting user. While the APIService is not Available the
// answer is upstream's: 503 "service unavailable", and nothing else is affected.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Aggregator } from './controller.ts';
import { isEndpoint, resolveService } from './resolve.ts';
import { proxy, trustOf } from './proxy.ts';
import type { ClusterReader, ProxyIdentity, RemoteUser } from './types.ts';

const REMOTE_PATH = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/;

function unavailable(res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache, private' });
  res.end('service unavailable\n');
}

export interface AggregationHandler {
  /** Handles the request (true) when its path belongs to a remote APIService. */
  handle(path: string, querystring: string, req: IncomingMessage, res: ServerResponse, user: RemoteUser): Promise<boolean>;
}

export function aggregationHandler(agg: Aggregator, reader: ClusterReader, identity: ProxyIdentity): AggregationHandler {
  return {
    async handle(path, querystring, req, res, user) {
      const m = REMOTE_PATH.exec(path);
      if (!m) return false;
      const remote = agg.remoteFor(m[1]!, m[2]!);
      if (!remote) return false;
      if (!remote.available) {
        unavailable(res);
        return true;
      }
      const ep = await resolveService(reader, remote.service.spec.service!);
      if (!isEndpoint(ep)) {
        unavailable(res);
        return true;
      }
      await proxy(ep, trustOf(remote.service.spec), identity, user, querystring ? `${path}?${querystring}` : path, req, res);
      return true;
    },
  };
}
