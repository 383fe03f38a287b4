// One availability check of a remote APIService, in upstream's order: the Service and its
// endpoints (resolve.ts), then GET /apis/<group>/<version> on the endpoint as
// system:kube-aggregator (system:masters), which must answer 2xx. A pass also brings back the
// group version's resources (for discovery) and, when due, its OpenAPI documents.

import type { APIService, ClusterReader, ProxyIdentity, RemoteUser } from './types.ts';
import { isEndpoint, resolveService, type Endpoint, type Unavailable } from './resolve.ts';
import { fetchFrom, trustOf } from './proxy.ts';
import { discoveryResources } from './discovery.ts';

export const AGGREGATOR_USER: RemoteUser = { username: 'system:kube-aggregator', groups: ['system:masters'] };

export type Verdict = Required<Unavailable>;

export const LOCAL: Verdict = { status: 'True', reason: 'Local', message: 'Local APIServices are always available' };
const PASSED: Verdict = { status: 'True', reason: 'Passed', message: 'all checks passed' };

export interface CheckResult {
  verdict: Verdict;
  endpoint?: Endpoint;
  /** Aggregated discovery entries, when the check passed. */
  resources?: Record<string, unknown>[];
}

function discoveryPath(s: APIService): string {
  return s.metadata?.name === 'v1.' ? `/api/${s.spec.version}` : `/apis/${s.spec.group}/${s.spec.version}`;
}

export async function checkAPIService(reader: ClusterReader, id: ProxyIdentity, s: APIService): Promise<CheckResult> {
  if (!s.spec.service) return { verdict: LOCAL };
  const ep = await resolveService(reader, s.spec.service);
  if (!isEndpoint(ep)) return { verdict: ep };
  const path = discoveryPath(s);
  const url = new URL(path, ep.url).href;
  try {
    const r = await fetchFrom(ep, trustOf(s.spec), id, path, AGGREGATOR_USER);
    if (r.code < 200 || r.code >= 300) {
      return { verdict: { status: 'False', reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${url}: bad status from ${url}: ${r.code}` }, endpoint: ep };
    }
    let resources: Record<string, unknown>[] = [];
    try {
      resources = discoveryResources(s.spec.group ?? '', s.spec.version ?? '', JSON.parse(r.body) as { resources?: [] });
    } catch {
      // Upstream's check only asks for a 2xx; a body it cannot read lists no resources.
    }
    return { verdict: PASSED, endpoint: ep, resources };
  } catch (e) {
    return { verdict: { status: 'False', reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${url}: ${(e as Error).message}` }, endpoint: ep };
  }
}

/** The extension's OpenAPI v2 document and its v3 document for the APIService's group version. */
export async function fetchOpenApi(ep: Endpoint, id: ProxyIdentity, s: APIService): Promise<{ v2?: Record<string, unknown>; v3?: string }> {
  const trust = trustOf(s.spec);
  const out: { v2?: Record<string, unknown>; v3?: string } = {};
  const v2 = await fetchFrom(ep, trust, id, '/openapi/v2', AGGREGATOR_USER).catch(() => undefined);
  if (v2?.code === 200) {
    try {
      out.v2 = JSON.parse(v2.body) as Record<string, unknown>;
    } catch {
      // not JSON: left out
    }
  }
  const gv = `apis/${s.spec.group}/${s.spec.version}`;
  const index = await fetchFrom(ep, trust, id, '/openapi/v3', AGGREGATOR_USER).catch(() => undefined);
  let rel = `/openapi/v3/${gv}`;
  try {
    const found = index?.code === 200 ? (JSON.parse(index.body) as { paths?: Record<string, { serverRelativeURL?: string }> }).paths?.[gv]?.serverRelativeURL : undefined;
    if (found) rel = found;
  } catch {
    // the index is optional: ask for the conventional path
  }
  const v3 = await fetchFrom(ep, trust, id, rel, AGGREGATOR_USER).catch(() => undefined);
  if (v3?.code === 200) {
    try {
      out.v3 = JSON.stringify(JSON.parse(v3.body));
    } catch {
      // not JSON: left out
    }
  }
  return out;
}
