// Who may use the kubelet's API, as upstream's kubelet decides with webhook authn/authz: the
// client is a CA-signed certificate (user = CN, groups = O) or a bearer token the apiserver
// vouches for (TokenReview); what it asks is authorized by the apiserver (SubjectAccessReview)
// as verb <from the HTTP method> on nodes/<subresource> named after this node, the
// subresource from the path (/stats -> stats, /metrics -> metrics, /logs -> log, /spec ->
// spec, anything else, exec and containerLogs among them -> proxy). Answers are cached as
// upstream's defaults: tokens 2 min, allowed 5 min, denied 30 s.

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import type { Client, ResourceRef } from '../../../client/types.ts';

export interface KubeletUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface NodeAttributes {
  verb: string;
  /** nodes/<subresource> */
  subresource: string;
  /** The node's name. */
  name: string;
}

/** The two questions the kubelet asks the apiserver. */
export interface KubeletAuthBackend {
  /** The user a bearer token stands for, or undefined when the apiserver does not know it. */
  reviewToken(token: string): Promise<KubeletUser | undefined>;
  /** Whether the user may do it; `reason` is the authorizer's. */
  review(user: KubeletUser, a: NodeAttributes): Promise<{ allowed: boolean; reason?: string }>;
}

export class AuthError extends Error {
  constructor(readonly code: 401 | 403, message: string) {
    super(message);
  }
}

const TOKEN_REVIEWS: ResourceRef = { group: 'authentication.k8s.io', version: 'v1', plural: 'tokenreviews', kind: 'TokenReview', namespaced: false };
const SUBJECT_ACCESS_REVIEWS: ResourceRef = { group: 'authorization.k8s.io', version: 'v1', plural: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false };

/** The questions asked through the node's own client (system:node may create both reviews). */
export function apiserverAuthBackend(client: Client): KubeletAuthBackend {
  return {
    async reviewToken(token) {
      const r = await client.create(TOKEN_REVIEWS, '', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
      const st = (r as { status?: { authenticated?: boolean; user?: KubeletUser } }).status;
      return st?.authenticated && st.user ? { ...st.user, groups: st.user.groups ?? [] } : undefined;
    },
    async review(user, a) {
      const body = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, resourceAttributes: { verb: a.verb, group: '', version: 'v1', resource: 'nodes', subresource: a.subresource, name: a.name } },
      };
      const r = await client.create(SUBJECT_ACCESS_REVIEWS, '', body);
      const st = (r as { status?: { allowed?: boolean; reason?: string } }).status;
      return { allowed: st?.allowed === true, reason: st?.reason };
    },
  };
}

const METHOD_VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** Upstream's mapping of a kubelet request to node attributes. */
export function nodeAttributes(method: string, path: string, nodeName: string): NodeAttributes {
  const first = path.split('/').filter(Boolean)[0] ?? '';
  const sub = ({ stats: 'stats', metrics: 'metrics', logs: 'log', spec: 'spec', checkpoint: 'checkpoint' } as Record<string, string>)[first] ?? 'proxy';
  return { verb: METHOD_VERBS[method] ?? 'get', subresource: sub, name: nodeName };
}

interface Cached<T> {
  value: T;
  until: number;
}

const TOKEN_TTL_MS = 120_000;
const ALLOWED_TTL_MS = 300_000;
const DENIED_TTL_MS = 30_000;
const MAX_ENTRIES = 1000;

function remember<T>(m: Map<string, Cached<T>>, key: string, value: T, ttl: number, now: number): T {
  if (m.size >= MAX_ENTRIES) m.clear();
  m.set(key, { value, until: now + ttl });
  return value;
}

export interface KubeletAuthorizer {
  /** The user, or throws AuthError (401 without credentials the cluster knows, 403 when not allowed). */
  check(req: IncomingMessage, nodeName: string): Promise<KubeletUser>;
}

export function createKubeletAuthorizer(backend: KubeletAuthBackend, now: () => number = Date.now): KubeletAuthorizer {
  const tokens = new Map<string, Cached<KubeletUser | undefined>>();
  const decisions = new Map<string, Cached<{ allowed: boolean; reason?: string }>>();

  async function authenticate(req: IncomingMessage): Promise<KubeletUser> {
    const socket = req.socket;
    if (socket instanceof TLSSocket && socket.authorized) {
      const subject = (socket.getPeerCertificate()?.subject ?? {}) as { CN?: string | string[]; O?: string | string[] };
      const cn = ([] as string[]).concat(subject.CN ?? [])[0];
      if (cn) return { username: cn, groups: [...([] as string[]).concat(subject.O ?? []), 'system:authenticated'] };
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new AuthError(401, 'Unauthorized');
    const key = createHash('sha256').update(m[1]).digest('hex');
    const hit = tokens.get(key);
    const user = hit && hit.until > now() ? hit.value : remember(tokens, key, await backend.reviewToken(m[1]), TOKEN_TTL_MS, now());
    if (!user) throw new AuthError(401, 'Unauthorized');
    return user;
  }

  return {
    async check(req, nodeName) {
      const user = await authenticate(req);
      const a = nodeAttributes(req.method ?? 'GET', new URL(req.url ?? '/', 'https://kubelet').pathname, nodeName);
      const key = JSON.stringify([user.username, user.uid, [...user.groups].sort(), a.verb, a.subresource]);
      const hit = decisions.get(key);
      let d = hit && hit.until > now() ? hit.value : undefined;
      if (!d) {
        d = await backend.review(user, a);
        remember(decisions, key, d, d.allowed ? ALLOWED_TTL_MS : DENIED_TTL_MS, now());
      }
      if (!d.allowed) throw new AuthError(403, `Forbidden (user=${user.username}, verb=${a.verb}, resource=nodes, subresource=${a.subresource})`);
      return user;
    },
  };
}
