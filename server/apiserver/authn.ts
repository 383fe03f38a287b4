// Authentication: who sent this request. In order: a client certificate the cluster CA signed
// (CN -> user, O -> groups), a bearer token (static token file, then service-account JWT),
// else anonymous. A credential that is presented but invalid fails (401), as upstream does.

import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'node:https';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import type { Pki } from '../pki/index.ts';
import { looksLikeJwt } from '../pki/jwt.ts';
import { DEFAULT_ISSUER, serviceAccountUsername, verifyServiceAccountToken, type ServiceAccountIdentity } from '../pki/sa-token.ts';
import { serviceAccountTokenLive, type Lookup } from './sa-token-live.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const AUTHENTICATED_GROUP = 'system:authenticated';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export interface AuthnConfig {
  /** Static bearer tokens (token -> user). */
  tokens: Map<string, UserInfo>;
  /** Keys that verify service-account tokens. */
  serviceAccountKeys: KeyObject[];
  /** Accepted service-account token issuers. */
  serviceAccountIssuers: string[];
  /** Audiences a bound token must name one of. */
  apiAudiences: string[];
  /** When false, a request without credentials is rejected instead of being system:anonymous. */
  anonymous: boolean;
  /** Bootstrap tokens (authn-bootstrap-token.ts), when enabled. */
  bootstrapToken?: (token: string) => UserInfo | undefined;
  /** Reads objects a service-account token depends on; without it tokens are checked offline. */
  lookup?: Lookup;
}

export interface AuthnOptions {
  pki: Pki;
  /** Path of a CSV token file: token,user,uid,"group1,group2". */
  tokenAuthFile?: string;
  anonymous?: boolean;
  serviceAccountIssuers?: string[];
  apiAudiences?: string[];
  bootstrapToken?: (token: string) => UserInfo | undefined;
}

export function createAuthnConfig(opts: AuthnOptions): AuthnConfig {
  const issuers = opts.serviceAccountIssuers ?? [DEFAULT_ISSUER];
  return {
    tokens: opts.tokenAuthFile ? parseTokenFile(readFileSync(opts.tokenAuthFile, 'utf8')) : new Map(),
    serviceAccountKeys: [createPublicKey(opts.pki.serviceAccountPublicKey)],
    serviceAccountIssuers: issuers,
    apiAudiences: opts.apiAudiences ?? issuers,
    anonymous: opts.anonymous ?? true,
    bootstrapToken: opts.bootstrapToken,
  };
}

/** TLS options for https.createServer: our serving cert, and client certs asked for but optional. */
export function createHttpsServerOptions(pki: Pki): ServerOptions {
  return {
    key: pki.servingKey,
    cert: pki.servingCert,
    ca: pki.caCert,
    requestCert: true,
    // Requests without a client certificate (tokens, anonymous) must still get through;
    // authenticate() trusts a certificate only when the TLS layer verified it.
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
}

/**
 * Parses a static token file: CSV lines `token,user,uid[,"group1,group2"]`; blank lines and
 * lines starting with # are ignored. Throws on a malformed line, naming it.
 */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const out = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const cells = parseCsvLine(line);
    const [token, username, uid, groups] = cells;
    if (cells.length < 3 || !token || !username) {
      throw new Error(`token file line ${i + 1}: want token,user,uid[,"group1,group2"]`);
    }
    out.set(token, {
      username,
      uid: uid || undefined,
      groups: (groups ?? '').split(',').map((g) => g.trim()).filter(Boolean),
    });
  });
  return out;
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

/** Adds system:authenticated, as every authenticated user carries it. */
function withAuthenticated(user: UserInfo): UserInfo {
  if (user.groups.includes(AUTHENTICATED_GROUP)) return user;
  return { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * The client certificate's verdict: a user when the CA signed it, 'invalid' when one was
 * presented that does not verify (or names no user), undefined when there is none.
 */
const certUsers = new WeakMap<TLSSocket, UserInfo | 'invalid' | undefined>();

export function userFromClientCert(req: IncomingMessage): UserInfo | 'invalid' | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  // A connection's certificate cannot change: decide once per TLS socket.
  if (certUsers.has(socket)) return certUsers.get(socket);
  const verdict = certVerdict(socket);
  certUsers.set(socket, verdict);
  return verdict;
}

/**
 * The user each verified certificate names, by the certificate's SHA-256. A client that opens a
 * connection per request (client-node 1.4 does) presents the same certificate every time, and
 * getPeerCertificate() builds every field of it (~0.2 ms a connection); the hash of the DER is a
 * fraction of that. The TLS layer's verdict (socket.authorized) is still read per connection.
 */
const namesByCert = new Map<string, UserInfo | 'invalid'>();
const NAMES_BY_CERT_MAX = 1024;

function certVerdict(socket: TLSSocket): UserInfo | 'invalid' | undefined {
  const x509 = socket.getPeerX509Certificate();
  if (!x509) return undefined;
  if (!socket.authorized) return 'invalid';
  const sha256 = x509.fingerprint256;
  let named = namesByCert.get(sha256);
  if (named === undefined) {
    named = nameOf(socket.getPeerCertificate());
    if (namesByCert.size >= NAMES_BY_CERT_MAX) namesByCert.clear();
    namesByCert.set(sha256, named);
  }
  return named;
}

/** CN -> user, O -> groups; 'invalid' for a certificate that names no user. */
function nameOf(cert: PeerCertificate): UserInfo | 'invalid' {
  const cn = cert.subject?.CN;
  const username = Array.isArray(cn) ? cn[0] : cn;
  if (!username) return 'invalid';
  return withAuthenticated({ username, groups: asList(cert.subject.O) });
}

/** The bearer token of a request: the Authorization header, or a websocket subprotocol. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  // Browsers cannot set headers on websockets; clients send base64url.bearer.authorization.k8s.io.<token>.
  const proto = req.headers['sec-websocket-protocol'];
  if (proto) {
    for (const p of proto.split(',').map((s) => s.trim())) {
      const prefix = 'base64url.bearer.authorization.k8s.io.';
      if (p.startsWith(prefix)) return Buffer.from(p.slice(prefix.length), 'base64url').toString('utf8') || undefined;
    }
  }
  return undefined;
}

/** The user a bearer token stands for by its signature and claims alone (no lookups). */
function verifyToken(token: string, config: AuthnConfig): { user: UserInfo; sa?: ServiceAccountIdentity } | undefined {
  const stat = config.tokens.get(token);
  if (stat) return { user: withAuthenticated(stat) };
  const boot = config.bootstrapToken?.(token);
  if (boot) return { user: withAuthenticated(boot) };
  if (!looksLikeJwt(token)) return undefined;
  const sa = verifyServiceAccountToken(token, {
    publicKeys: config.serviceAccountKeys,
    issuers: config.serviceAccountIssuers,
    audiences: config.apiAudiences,
  });
  if (!sa) return undefined;
  const extra: Record<string, string[]> = {};
  if (sa.pod) {
    extra['authentication.kubernetes.io/pod-name'] = [sa.pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [sa.pod.uid];
  }
  if (sa.node) {
    extra['authentication.kubernetes.io/node-name'] = [sa.node.name];
    extra['authentication.kubernetes.io/node-uid'] = [sa.node.uid];
  }
  if (sa.tokenId) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${sa.tokenId}`];
  const user = withAuthenticated({
    username: serviceAccountUsername(sa.namespace, sa.name),
    uid: sa.uid,
    groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${sa.namespace}`],
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
  return { user, sa };
}

/**
 * The user a bearer token stands for, or undefined when it is not valid: a static token, or a
 * service-account token whose signature, issuer, audience and expiry hold and whose service
 * account (and bound Pod, Secret or Node, or legacy Secret) still exists with the same uid.
 */
export async function userFromToken(token: string, config: AuthnConfig): Promise<UserInfo | undefined> {
  const v = verifyToken(token, config);
  if (!v) return undefined;
  if (v.sa && config.lookup && !(await serviceAccountTokenLive(v.sa, token, config.lookup))) return undefined;
  return v.user;
}

/**
 * Who made the request. undefined means 401: a credential was presented and is not valid,
 * or there is none and anonymous requests are off.
 */
export async function authenticate(req: IncomingMessage, config: AuthnConfig): Promise<UserInfo | undefined> {
  const fromCert = userFromClientCert(req);
  if (fromCert === 'invalid') return undefined;
  if (fromCert) return fromCert;
  const token = bearerToken(req);
  if (token !== undefined) return userFromToken(token, config);
  if (req.headers.authorization) return undefined; // a scheme we do not accept
  if (!config.anonymous) return undefined;
  return { username: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] };
}

/** authenticate() bound to one config, for middleware. */
export function createAuthenticator(config: AuthnConfig): (req: IncomingMessage) => Promise<UserInfo | undefined> {
  return (req) => authenticate(req, config);
}
