// Non-resource paths: health checks, version, metrics, discovery and OpenAPI documents.

import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import type { ResourceType } from '../../api/types.ts';
import type { NonResourceRoutes } from './http.ts';
import { docReply } from './http.ts';
import type { Reply } from './resource-handler.ts';
import type { ApiMetrics } from './metrics.ts';
import { OPENAPI_V2_PROTOBUF } from '../../openapi/proto/openapi-v2.ts';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  groupsOf,
  wantsAggregated,
  type GroupInfo,
} from './discovery.ts';
import { mergeAggregated, mergeGroup, mergeGroupList, type RemoteGroup } from './aggregation/discovery.ts';

/** The Kubernetes version whose API kubets serves. */
export const KUBERNETES_VERSION = { major: '1', minor: '34', gitVersion: 'v1.34.2' };

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface OpenApiDocs {
  v2(): string;
  /** The same v2 document as gnostic protobuf (client-go's OpenAPISchema asks for it). */
  v2Protobuf(): Buffer;
  v3Index(): string;
  /** The document for 'api/v1' or 'apis/apps/v1', or undefined. */
  v3(gvPath: string): string | undefined;
}

export interface RouteDeps {
  resources(): ResourceType[];
  preferredVersion(group: string): string | undefined;
  serverAddress: string;
  metrics: ApiMetrics;
  checks: HealthCheck[];
  openapi: OpenApiDocs;
  /** Group versions served by extension apiservers (APIServices with a service). */
  remoteGroups?(): RemoteGroup[];
  /** False until bootstrap finished: /readyz answers 500 meanwhile. */
  ready(): boolean;
}

function text(code: number, body: string): Reply {
  return { code, contentType: 'text/plain; charset=utf-8', body };
}

function json(body: string, contentType = 'application/json', extra?: Record<string, string>): Reply {
  return { code: 200, contentType, body, headers: extra };
}

export function createRoutes(deps: RouteDeps): NonResourceRoutes & { invalidate(): void } {
  let cache: { groups: GroupInfo[]; remote: RemoteGroup[]; docs: Map<string, string> } | undefined;
  const discovery = () => {
    if (!cache) cache = { groups: groupsOf(deps.resources(), deps.preferredVersion), remote: deps.remoteGroups?.() ?? [], docs: new Map() };
    return cache;
  };
  const memo = (key: string, make: () => unknown): string => {
    const c = discovery();
    let s = c.docs.get(key);
    if (s === undefined) {
      s = JSON.stringify(make());
      c.docs.set(key, s);
    }
    return s;
  };

  const health = async (kind: 'healthz' | 'livez' | 'readyz', sub: string, verbose: boolean): Promise<Reply> => {
    const checks = [{ name: 'ping', check: async () => {} }, { name: 'log', check: async () => {} }, ...deps.checks];
    if (kind === 'readyz') checks.push({ name: 'bootstrap', check: async () => { if (!deps.ready()) throw new Error('not finished'); } });
    const selected = sub ? checks.filter((c) => c.name === sub) : checks;
    if (sub && selected.length === 0) return text(404, `404 page not found\n`);
    const lines: string[] = [];
    let failed = false;
    for (const c of selected) {
      try {
        await c.check();
        lines.push(`[+]${c.name} ok`);
      } catch (e) {
        failed = true;
        lines.push(`[-]${c.name} failed: ${verbose ? (e as Error).message : 'reason withheld'}`);
      }
    }
    if (!verbose && !failed) return text(200, 'ok');
    lines.push(failed ? `${kind} check failed` : `${kind} check passed`);
    return text(failed ? 500 : 200, lines.join('\n') + '\n');
  };

  return {
    invalidate() {
      cache = undefined;
    },
    async route(path: string, req: IncomingMessage, query: URLSearchParams): Promise<Reply | undefined> {
      const p = path.length > 1 ? path.replace(/\/$/, '') : path;
      const hm = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(p);
      if (hm) return health(hm[1] as 'healthz' | 'livez' | 'readyz', hm[2] ?? '', query.has('verbose'));
      if (p === '/version') {
        return docReply(req, {
          ...KUBERNETES_VERSION,
          gitCommit: 'kubets',
          gitTreeState: 'clean',
          buildDate: '2026-11-27T00:00:00Z',
          goVersion: `node${process.versions.node}`,
          compiler: 'kubets',
          platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
        });
      }
      if (p === '/metrics') {
        const m = await deps.metrics.text();
        return { code: 200, contentType: m.contentType, body: m.body };
      }
      if (p === '/api' || p === '/apis') {
        const agg = wantsAggregated(req.headers.accept);
        const legacy = p === '/api';
        if (agg) {
          const body = memo(`agg:${p}:${agg}`, () => {
            const doc = aggregatedDiscovery(discovery().groups, legacy, `apidiscovery.k8s.io/${agg}`);
            return legacy ? doc : mergeAggregated(doc, discovery().remote);
          });
          const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
          return json(body, `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList`, { ETag: etag, Vary: 'Accept' });
        }
        const body = memo(p, () => (legacy ? apiVersions(deps.serverAddress) : mergeGroupList(apiGroupList(discovery().groups), discovery().remote)));
        return json(body, 'application/json', { Vary: 'Accept' });
      }
      const gm = /^\/(api|apis)\/([^/]+)(?:\/([^/]+))?$/.exec(p);
      if (gm) {
        const groups = discovery().groups;
        if (gm[1] === 'api') {
          if (gm[3] !== undefined || gm[2] !== 'v1') return undefined;
          const core = groups.find((g) => g.name === '');
          return core ? json(memo('/api/v1', () => apiResourceList('v1', core.resources.get('v1')!))) : undefined;
        }
        const g = groups.find((x) => x.name === gm[2]);
        if (gm[3] === undefined) {
          const doc = mergeGroup(g && apiGroup(g), discovery().remote.find((r) => r.name === gm[2]));
          return doc ? json(memo(`/apis/${gm[2]}`, () => doc)) : undefined;
        }
        if (!g) return undefined;
        const rs = g.resources.get(gm[3]);
        if (!rs) return undefined;
        return json(memo(`/apis/${g.name}/${gm[3]}`, () => apiResourceList(`${g.name}/${gm[3]}`, rs)));
      }
      if (p === '/openapi/v2') {
        if (!req.headers.accept?.includes('application/com.github.proto-openapi.spec.v2')) return json(deps.openapi.v2());
        return { code: 200, contentType: OPENAPI_V2_PROTOBUF, body: deps.openapi.v2Protobuf() };
      }
      if (p === '/openapi/v3') return json(deps.openapi.v3Index());
      const om = /^\/openapi\/v3\/(.+)$/.exec(p);
      if (om) {
        const doc = deps.openapi.v3(om[1]);
        return doc === undefined ? undefined : json(doc, 'application/json', { 'Cache-Control': 'public, immutable' });
      }
      return undefined;
    },
  };
}
