// Service-account tokens: the claims kubets issues (bound tokens, as TokenRequest returns them)
// and the identity a verified token stands for. Legacy secret-based tokens are read too.

import { randomUUID, type KeyObject } from 'node:crypto';
import { signJwt, verifyJwt, type JwtClaims } from './jwt.ts';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
const LEGACY = 'kubernetes.io/serviceaccount/';

export interface ServiceAccountIdentity {
  namespace: string;
  name: string;
  uid?: string;
  /** The pod the token is bound to, when it is. */
  pod?: { name: string; uid: string };
  /** The node the token is bound to, when it is. */
  node?: { name: string; uid: string };
  /** The Secret the token is bound to, when it is. */
  secret?: { name: string; uid: string };
  /** A legacy (Secret-based) token: the Secret that holds it. */
  legacySecretName?: string;
  /** The token's id (jti), when it has one. */
  tokenId?: string;
}

export interface IssueOptions {
  audiences?: string[];
  /** Lifetime in seconds; upstream's default for TokenRequest is one hour. */
  expirationSeconds?: number;
  issuer?: string;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
  /** Token id; a random UUID by default. */
  jti?: string;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Builds the claims of a bound service-account token. */
export function boundTokenClaims(sa: ServiceAccountIdentity, opts: IssueOptions = {}): JwtClaims {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const issuer = opts.issuer ?? DEFAULT_ISSUER;
  const k8s: Record<string, unknown> = {
    namespace: sa.namespace,
    serviceaccount: { name: sa.name, uid: sa.uid ?? '' },
  };
  if (sa.pod) k8s.pod = sa.pod;
  if (sa.node) k8s.node = sa.node;
  if (sa.secret) k8s.secret = sa.secret;
  return {
    aud: opts.audiences ?? [issuer],
    exp: now + (opts.expirationSeconds ?? 3600),
    iat: now,
    nbf: now,
    iss: issuer,
    jti: opts.jti ?? randomUUID(),
    'kubernetes.io': k8s,
    sub: serviceAccountUsername(sa.namespace, sa.name),
  };
}

/** Signs a bound token for the service account. */
export function issueServiceAccountToken(
  sa: ServiceAccountIdentity,
  privateKey: string | KeyObject,
  opts: IssueOptions = {},
): string {
  return signJwt(boundTokenClaims(sa, opts), privateKey);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function ref(v: unknown): { name: string; uid: string } | undefined {
  const r = rec(v);
  const name = str(r.name);
  return name ? { name, uid: str(r.uid) ?? '' } : undefined;
}

/** Reads the service account out of verified claims (bound or legacy), or undefined. */
export function identityFromClaims(claims: JwtClaims): ServiceAccountIdentity | undefined {
  const sub = str(claims.sub);
  const m = sub ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub) : null;
  if (!m) return undefined;
  const k8s = claims['kubernetes.io'];
  if (k8s !== undefined) {
    const r = rec(k8s);
    const sa = ref(r.serviceaccount);
    if (str(r.namespace) !== m[1] || sa?.name !== m[2]) return undefined;
    const secret = ref(r.secret);
    return { namespace: m[1], name: m[2], uid: sa.uid || undefined, pod: ref(r.pod), node: ref(r.node), ...(secret ? { secret } : {}), tokenId: str(claims.jti) };
  }
  if (str(claims[`${LEGACY}namespace`]) !== m[1] || str(claims[`${LEGACY}service-account.name`]) !== m[2]) return undefined;
  const legacySecretName = str(claims[`${LEGACY}secret.name`]);
  return { namespace: m[1], name: m[2], uid: str(claims[`${LEGACY}service-account.uid`]), ...(legacySecretName ? { legacySecretName } : {}) };
}

export interface TokenReviewOptions {
  publicKeys: (string | KeyObject)[];
  /** Issuers accepted for bound tokens; DEFAULT_ISSUER when absent. */
  issuers?: string[];
  /** Audiences a bound token must name one of; the issuers when absent. */
  audiences?: string[];
  now?: number;
}

/** Claims of a legacy token, as the token controller writes it into a service-account-token Secret. */
export function legacyTokenClaims(sa: { namespace: string; name: string; uid: string }, secretName: string): JwtClaims {
  return {
    iss: LEGACY_ISSUER,
    sub: serviceAccountUsername(sa.namespace, sa.name),
    [`${LEGACY}namespace`]: sa.namespace,
    [`${LEGACY}secret.name`]: secretName,
    [`${LEGACY}service-account.name`]: sa.name,
    [`${LEGACY}service-account.uid`]: sa.uid,
  };
}

/** Verifies a service-account token, bound or legacy; undefined when it is not valid. */
export function verifyServiceAccountToken(token: string, opts: TokenReviewOptions): ServiceAccountIdentity | undefined {
  const claims = verifyJwt(token, opts.publicKeys, { now: opts.now });
  if (!claims) return undefined;
  if (claims.iss === LEGACY_ISSUER) return identityFromClaims(claims);
  const issuers = opts.issuers ?? [DEFAULT_ISSUER];
  if (!issuers.includes(String(claims.iss))) return undefined;
  // Bound tokens must expire and be meant for this apiserver.
  if (typeof claims.exp !== 'number') return undefined;
  const audiences = opts.audiences ?? issuers;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) return undefined;
  return identityFromClaims(claims);
}
