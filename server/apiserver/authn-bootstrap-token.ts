// Bootstrap-token authentication (upstream's plugin/pkg/auth/authenticator/token/bootstrap):
// a bearer token `<id>.<secret>` is checked against the kube-system Secret
// `bootstrap-token-<id>` read from the watch cache (a synchronous look-up: no request waits on
// storage). It authenticates as system:bootstrap:<id> in system:bootstrappers and the
// Secret's auth-extra-groups, until the Secret's expiration.

import type { KubeObject } from '../../api/types.ts';
import { BOOTSTRAP_TOKEN_SECRET_PREFIX, checkBootstrapToken, parseBootstrapToken, secretView } from '../../client/bootstrap-token.ts';
import type { UserInfo } from './authn.ts';

export interface BootstrapTokenDeps {
  /** The kube-system Secret of that name as the cache holds it now. */
  secret(name: string): KubeObject | undefined;
  now(): Date;
  /** Why a bootstrap token was refused (upstream logs it; the client sees 401 only). */
  onRejected?(tokenId: string, reason: string): void;
}

/** A token authenticator: the user, or undefined when the token is not a valid bootstrap token. */
export function createBootstrapTokenAuthenticator(deps: BootstrapTokenDeps): (token: string) => UserInfo | undefined {
  return (token) => {
    const t = parseBootstrapToken(token);
    if (!t) return undefined;
    const s = deps.secret(`${BOOTSTRAP_TOKEN_SECRET_PREFIX}${t.id}`);
    const r = checkBootstrapToken(t, s ? secretView(s as Parameters<typeof secretView>[0]) : undefined, deps.now());
    if (!r.user) deps.onRejected?.(t.id, r.reason ?? 'invalid');
    return r.user;
  };
}
