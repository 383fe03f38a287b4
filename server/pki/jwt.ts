// Compact JWS with ES256 over node:crypto (synchronous, no extra library): signs and verifies
// service-account tokens with the key pair from ensurePki.

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtClaims = Record<string, unknown> & {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
};

interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
}

const b64url = (buf: Buffer | string): string => Buffer.from(buf).toString('base64url');

function asKey(pem: string | KeyObject, kind: 'private' | 'public'): KeyObject {
  if (typeof pem !== 'string') return pem;
  return kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
}

/** The key id: base64url of the SHA-256 of the public key's DER, stable across restarts. */
export function keyId(publicKey: string | KeyObject): string {
  const der = asKey(publicKey, 'public').export({ type: 'spki', format: 'der' });
  return b64url(createHash('sha256').update(der).digest());
}

/** Signs claims as an ES256 JWT. */
export function signJwt(claims: JwtClaims, privateKey: string | KeyObject): string {
  const key = asKey(privateKey, 'private');
  const header: JwtHeader = { alg: 'ES256', kid: keyId(createPublicKey(key)) };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

function parseJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when the string has the shape of a compact JWS (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

export interface VerifyOptions {
  /** Seconds since the epoch; defaults to now. */
  now?: number;
  /** Accepted issuers; any when absent. */
  issuers?: string[];
  /** Accepted audiences; when given, the token must name one of them. */
  audiences?: string[];
  /** Clock skew tolerated on exp and nbf, in seconds. */
  leewaySeconds?: number;
}

/**
 * Verifies an ES256 JWT against any of the public keys and checks exp, nbf, iss and aud.
 * Returns the claims, or undefined for anything invalid.
 */
export function verifyJwt(token: string, publicKeys: (string | KeyObject)[], opts: VerifyOptions = {}): JwtClaims | undefined {
  if (!looksLikeJwt(token)) return undefined;
  const [h, p, s] = token.split('.');
  const header = parseJson(h);
  const claims = parseJson(p);
  if (!isObject(header) || !isObject(claims) || header.alg !== 'ES256') return undefined;
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== 64) return undefined;
  const ok = publicKeys.some((k) => {
    try {
      return verify('sha256', data, { key: asKey(k, 'public'), dsaEncoding: 'ieee-p1363' }, sig);
    } catch {
      return false;
    }
  });
  if (!ok) return undefined;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const leeway = opts.leewaySeconds ?? 60;
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || now > claims.exp + leeway)) return undefined;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now + leeway < claims.nbf)) return undefined;
  if (opts.issuers && !opts.issuers.includes(String(claims.iss))) return undefined;
  if (opts.audiences) {
    const aud = claims.aud;
    const list = Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : [];
    if (!list.some((a) => opts.audiences!.includes(a))) return undefined;
  }
  return claims as JwtClaims;
}
