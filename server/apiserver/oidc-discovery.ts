// Service-account issuer discovery: /.well-known/openid-configuration and /openid/v1/jwks, so
// other systems can verify this cluster's service-account tokens (upstream grants them to
// system:serviceaccounts through system:service-account-issuer-discovery).

import { exportJWK } from 'jose';
import { createPublicKey } from 'node:crypto';
import { keyId } from '../pki/jwt.ts';
import type { NonResourceRoutes } from './http.ts';

export const OIDC_CONFIG_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export async function oidcRoutes(issuer: string, publicKeyPem: string, next: NonResourceRoutes): Promise<NonResourceRoutes> {
  const jwk = await exportJWK(createPublicKey(publicKeyPem));
  const jwks = JSON.stringify({ keys: [{ use: 'sig', kty: jwk.kty, kid: keyId(publicKeyPem), crv: jwk.crv, alg: 'ES256', x: jwk.x, y: jwk.y }] });
  const config = JSON.stringify({
    issuer,
    jwks_uri: `${issuer.replace(/\/$/, '')}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  });
  return {
    route(path, req, query) {
      if (path === OIDC_CONFIG_PATH) return Promise.resolve({ code: 200, contentType: 'application/json', body: config, headers: { 'Cache-Control': 'public, max-age=3600' } });
      if (path === JWKS_PATH) return Promise.resolve({ code: 200, contentType: 'application/jwk-set+json', body: jwks, headers: { 'Cache-Control': 'public, max-age=3600' } });
      return next.route(path, req, query);
    },
  };
}
