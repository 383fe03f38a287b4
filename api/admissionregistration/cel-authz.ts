// Kubernetes' CEL authorizer library for admission expressions: `authorizer.group('apps')
// .resource('deployments').namespace('ns').name('n').check('delete').allowed()`,
// `authorizer.path('/healthz').check('get')`, `authorizer.serviceAccount(ns, name)`,
// `authorizer.requestResource.check('update')`, and a decision's allowed(), reason(),
// errored(), error(). cel-es has no opaque types, so each value is a map marked with an
// `@authz` key; the check itself goes to the authorizer of the request being evaluated,
// handed in by `withAuthorizer` around the (synchronous) evaluation.

import { celMethod, CelScalar, isCelMap, mapType, type CelFunc, type CelMap } from '@bufbuild/cel';

export interface AuthzRequest {
  user: { username: string; groups: string[]; uid?: string; extra?: Record<string, string[]> };
  verb: string;
  /** A resource check; absent for a path check. */
  resource?: { group: string; resource: string; subresource: string; namespace: string; name: string };
  path?: string;
}
export type AuthzCheck = (r: AuthzRequest) => { allowed: boolean; reason: string };

let current: { check: AuthzCheck; user: AuthzRequest['user'] } | undefined;

/** Runs `f` (an evaluation) with `check` answering for `user`'s authorizer. */
export function withAuthorizer<T>(check: AuthzCheck, user: AuthzRequest['user'], f: () => T): T {
  const prev = current;
  current = { check, user };
  try {
    return f();
  } finally {
    current = prev;
  }
}

const MARK = '@authz';
type Val = Map<string, unknown>;

/** The authorizer's CEL value for the request's user, with its requestResource. */
export function authorizerValue(request: { group: string; resource: string; subresource: string; namespace: string; name: string }): Val {
  const root: Val = new Map<string, unknown>([[MARK, 'authorizer'], ['@user', '']]);
  const rr: Val = new Map<string, unknown>([[MARK, 'resource'], ['@user', ''], ['group', request.group], ['resource', request.resource], ['subresource', request.subresource], ['namespace', request.namespace], ['name', request.name]]);
  root.set('requestResource', rr);
  return root;
}

function entries(m: CelMap): Val {
  const out: Val = new Map();
  for (const [k, v] of m.entries()) out.set(String(k), v);
  return out;
}

function expect(self: unknown, kind: string, fn: string): Val {
  const m = isCelMap(self) ? entries(self) : undefined;
  if (!m || m.get(MARK) !== kind) throw new Error(`no such overload: ${fn}`);
  return m;
}

const with_ = (m: Val, kind: string, k: string, v: unknown): Val => new Map([...m, [MARK, kind], [k, v]]);

function check(self: unknown, verb: string): Val {
  const m = isCelMap(self) ? entries(self) : undefined;
  const kind = m?.get(MARK);
  if (!m || (kind !== 'resource' && kind !== 'path')) throw new Error('no such overload: check');
  if (!current) throw new Error('no authorizer for this evaluation');
  const sa = m.get('@user') as string;
  const user = sa ? { username: sa, groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.split(':')[2]}`, 'system:authenticated'] } : current.user;
  const r = kind === 'path'
    ? current.check({ user, verb, path: m.get('path') as string })
    : current.check({ user, verb, resource: { group: m.get('group') as string, resource: m.get('resource') as string, subresource: m.get('subresource') as string, namespace: m.get('namespace') as string, name: m.get('name') as string } });
  return new Map<string, unknown>([[MARK, 'decision'], ['allowed', r.allowed], ['reason', r.reason], ['error', '']]);
}

const MAP = mapType(CelScalar.STRING, CelScalar.DYN);
const field = (kind: string, k: string) => celMethod(k, MAP, [CelScalar.STRING], MAP, function (v) {
  return with_(expect(this, kind, k), kind, k, v) as never;
});

export const AUTHORIZER_CEL_FUNCS: CelFunc[] = [
  celMethod('path', MAP, [CelScalar.STRING], MAP, function (p) {
    return with_(expect(this, 'authorizer', 'path'), 'path', 'path', p) as never;
  }),
  celMethod('group', MAP, [CelScalar.STRING], MAP, function (g) {
    return with_(expect(this, 'authorizer', 'group'), 'group', 'group', g) as never;
  }),
  celMethod('resource', MAP, [CelScalar.STRING], MAP, function (r) {
    const m = expect(this, 'group', 'resource');
    return new Map([...m, [MARK, 'resource'], ['resource', r], ['subresource', ''], ['namespace', ''], ['name', '']]) as never;
  }),
  field('resource', 'subresource'),
  field('resource', 'namespace'),
  field('resource', 'name'),
  celMethod('serviceAccount', MAP, [CelScalar.STRING, CelScalar.STRING], MAP, function (ns, name) {
    expect(this, 'authorizer', 'serviceAccount');
    return new Map<string, unknown>([[MARK, 'authorizer'], ['@user', `system:serviceaccount:${ns}:${name}`]]) as never;
  }),
  celMethod('check', MAP, [CelScalar.STRING], MAP, function (verb) {
    return check(this, verb) as never;
  }),
  celMethod('allowed', MAP, [], CelScalar.BOOL, function () {
    return expect(this, 'decision', 'allowed').get('allowed') as boolean;
  }),
  celMethod('reason', MAP, [], CelScalar.STRING, function () {
    return expect(this, 'decision', 'reason').get('reason') as string;
  }),
  celMethod('errored', MAP, [], CelScalar.BOOL, function () {
    return expect(this, 'decision', 'errored').get('error') !== '';
  }),
  celMethod('error', MAP, [], CelScalar.STRING, function () {
    return expect(this, 'decision', 'error').get('error') as string;
  }),
];
