// Impersonation (`kubectl --as`, `--as-group`, `--as-uid`): the Impersonate-* headers turn the
// request into another user's, once the authorizer says the caller may `impersonate` each
// part asked for (users, groups, serviceaccounts, uids, userextras/<key>), as upstream does.

import type { IncomingMessage } from 'node:http';
import { StatusError, badRequest } from '../../../api/meta/errors.ts';
import type { UserInfo } from '../registry/types.ts';
import { forbiddenError, type Attributes, type AuthorizerResult } from './attributes.ts';

const SA_PREFIX = 'system:serviceaccount:';
const EXTRA_PREFIX = 'impersonate-extra-';

function values(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** True when the request carries any Impersonate-* header. */
export function wantsImpersonation(req: IncomingMessage): boolean {
  for (const k of Object.keys(req.headers)) if (k.startsWith('impersonate-')) return true;
  return false;
}

/**
 * The user the request acts as: the caller itself, or whom it impersonates when every part
 * is allowed. Throws 403 (upstream's message) for the first part the caller may not take.
 */
export function impersonate(req: IncomingMessage, caller: UserInfo, authorize: (a: Attributes) => AuthorizerResult): UserInfo {
  if (!wantsImpersonation(req)) return caller;
  const h = req.headers;
  const username = one(h['impersonate-user']);
  // Upstream reads every Impersonate-Group header; node joins repeated headers with ', '.
  const groups = values(h['impersonate-group']);
  const uid = one(h['impersonate-uid']);
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (!k.startsWith(EXTRA_PREFIX)) continue;
    let key: string;
    try {
      key = decodeURIComponent(k.slice(EXTRA_PREFIX.length)).toLowerCase();
    } catch {
      throw badRequest(`invalid impersonation extra header ${k}`);
    }
    extra[key] = values(v);
  }
  if (!username) throw badRequest('requested impersonation of groups, uid or extra without impersonating a user');

  const check = (a: Omit<Extract<Attributes, { isResourceRequest: true }>, 'user' | 'isResourceRequest' | 'verb' | 'apiVersion'>) => {
    const attrs: Attributes = { isResourceRequest: true, user: caller, verb: 'impersonate', ...a };
    const r = authorize(attrs);
    if (r.decision !== 'allow') throw forbiddenError(attrs, r.reason);
  };
  let impliedGroups: string[] = [];
  if (username.startsWith(SA_PREFIX)) {
    const [ns, name] = username.slice(SA_PREFIX.length).split(':');
    if (!ns || !name) throw new StatusError(403, 'Forbidden', `users "${username}" is forbidden: invalid service account name`);
    check({ apiGroup: '', resource: 'serviceaccounts', subresource: '', namespace: ns, name });
    if (groups.length === 0) impliedGroups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`];
  } else {
    check({ apiGroup: '', resource: 'users', subresource: '', namespace: '', name: username });
  }
  for (const g of groups) check({ apiGroup: '', resource: 'groups', subresource: '', namespace: '', name: g });
  if (uid !== undefined) check({ apiGroup: 'authentication.k8s.io', resource: 'uids', subresource: '', namespace: '', name: uid });
  for (const [k, vs] of Object.entries(extra)) {
    for (const v of vs) check({ apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: k, namespace: '', name: v });
  }
  const all = [...groups, ...impliedGroups];
  if (username === 'system:anonymous') {
    if (!all.includes('system:unauthenticated')) all.push('system:unauthenticated');
  } else if (!all.includes('system:authenticated')) {
    all.push('system:authenticated');
  }
  return { username, uid, groups: all, extra: Object.keys(extra).length ? extra : undefined };
}
