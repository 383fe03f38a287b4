// Bootstrap tokens as upstream's k8s.io/cluster-bootstrap defines them: `<id>.<secret>`
// (6 and 16 characters of [a-z0-9]), kept in a kube-system Secret named
// `bootstrap-token-<id>` of type `bootstrap.kubernetes.io/token`; and the detached JWS
// (HS256, key = the token's secret, kid = its id) with which the cluster-info ConfigMap in
// kube-public proves to a joining node that it came from the holder of the token. Shared by
// the server (creates, authenticates) and the agent (joins).

import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { rfc3339 } from '../api/meta/time.ts';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
/** The extra group kubeadm gives its default node-join token. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
export const CLUSTER_INFO = { namespace: 'kube-public', name: 'cluster-info', kubeconfigKey: 'kubeconfig', jwsPrefix: 'jws-kubeconfig-' };

const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP_RE = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface BootstrapToken {
  id: string;
  secret: string;
}

export function parseBootstrapToken(token: string): BootstrapToken | undefined {
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export function formatBootstrapToken(t: BootstrapToken): string {
  return `${t.id}.${t.secret}`;
}

function randomString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function generateBootstrapToken(): BootstrapToken {
  return { id: randomString(6), secret: randomString(16) };
}

export interface TokenSecretOptions {
  description?: string;
  /** Absent: the token never expires. */
  expiration?: Date;
  extraGroups?: string[];
}

/** The kube-system Secret for a token, as `kubeadm token create` writes it (data base64). */
export function bootstrapTokenSecret(t: BootstrapToken, o: TokenSecretOptions = {}): Record<string, unknown> {
  const s: Record<string, string> = {
    'token-id': t.id,
    'token-secret': t.secret,
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
    'auth-extra-groups': (o.extraGroups ?? [DEFAULT_NODE_TOKEN_GROUP]).join(','),
  };
  if (o.description) s.description = o.description;
  if (o.expiration) s.expiration = rfc3339(o.expiration);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    metadata: { name: `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${t.id}`, namespace: 'kube-system' },
    data: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

export interface TokenSecretView {
  type?: string;
  deleting: boolean;
  data: Record<string, string>;
}

/** The decoded data of a Secret (data base64, stringData taken as is). */
export function secretView(secret: { type?: unknown; metadata?: { deletionTimestamp?: unknown }; data?: unknown; stringData?: unknown }): TokenSecretView {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') data[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  for (const [k, v] of Object.entries((secret.stringData ?? {}) as Record<string, unknown>)) if (typeof v === 'string') data[k] = v;
  return { type: typeof secret.type === 'string' ? secret.type : undefined, deleting: !!secret.metadata?.deletionTimestamp, data };
}

export interface TokenCheck {
  /** Upstream's bootstrap authenticator: user system:bootstrap:<id>, group system:bootstrappers plus the Secret's extra groups. */
  user?: { username: string; groups: string[] };
  /** Why not (for the log; the client only sees 401). */
  reason?: string;
}

/** Whether token authenticates against its Secret at time now. */
export function checkBootstrapToken(token: BootstrapToken, secret: TokenSecretView | undefined, now: Date): TokenCheck {
  if (!secret) return { reason: 'no such token' };
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return { reason: 'secret has the wrong type' };
  if (secret.deleting) return { reason: 'token is being deleted' };
  const d = secret.data;
  if (d['token-id'] !== token.id) return { reason: 'token id does not match its secret' };
  const want = Buffer.from(d['token-secret'] ?? '');
  const got = Buffer.from(token.secret);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { reason: 'token secret does not match' };
  if (d.expiration) {
    const exp = Date.parse(d.expiration);
    if (!Number.isFinite(exp) || exp <= now.getTime()) return { reason: 'token has expired' };
  }
  if (d['usage-bootstrap-authentication'] !== 'true') return { reason: 'token may not be used for authentication' };
  const extra = (d['auth-extra-groups'] ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  if (extra.some((g) => !EXTRA_GROUP_RE.test(g))) return { reason: 'auth-extra-groups holds a group outside system:bootstrappers:' };
  return { user: { username: `${BOOTSTRAP_USER_PREFIX}${token.id}`, groups: [BOOTSTRAPPERS_GROUP, ...extra] } };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Detached compact JWS (`header..signature`) over content, as the bootstrap signer writes it. */
export function detachedJws(content: string, t: BootstrapToken): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: t.id }));
  const sig = createHmac('sha256', t.secret).update(`${header}.${b64url(content)}`).digest();
  return `${header}..${b64url(sig)}`;
}

/** Whether jws is a valid detached signature of content by this token. */
export function verifyDetachedJws(content: string, jws: string, t: BootstrapToken): boolean {
  const [header, payload, sig] = jws.split('.');
  if (header === undefined || payload !== '' || sig === undefined) return false;
  let h: { alg?: string; kid?: string };
  try {
    h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof h;
  } catch {
    return false;
  }
  if (h.alg !== 'HS256' || h.kid !== t.id) return false;
  const want = createHmac('sha256', t.secret).update(`${header}.${b64url(content)}`).digest();
  const got = Buffer.from(sig, 'base64url');
  return got.length === want.length && timingSafeEqual(got, want);
}
