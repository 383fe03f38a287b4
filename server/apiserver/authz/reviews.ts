// The review kinds: SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview,
// SelfSubjectRulesReview (authorization.k8s.io), TokenReview and SelfSubjectReview
// (authentication.k8s.io). Each is a question posted to the server: it takes no name, is
// never stored, and is answered from the authorizer or authenticator (201 with status).

import type { KubeObject, ResourceType } from '../../../api/types.ts';
import { badRequest, fieldError, invalid, type FieldError } from '../../../api/meta/errors.ts';
import type { RequestContext, UserInfo } from '../registry/types.ts';
import type { Attributes, Authorizer } from './attributes.ts';
import type { PolicyRule } from './rbac-rules.ts';

export type ReviewHandler = (ctx: RequestContext, body: KubeObject) => KubeObject | Promise<KubeObject>;

export interface ReviewDeps {
  authorizer: Authorizer;
  /** Every rule the user holds in the namespace (for SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[];
  /** The user a token stands for, checked against the audiences (the apiserver's when empty). */
  reviewToken(token: string, audiences: string[]): Promise<{ user: UserInfo; audiences: string[] } | undefined>;
}

type Spec = Record<string, unknown>;

const obj = (v: unknown): Spec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Spec) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The reply: the request echoed with a status, metadata as the client sent it (no name, never stored). */
function answer(rt: ResourceType, body: KubeObject, status: Spec, ns?: string): KubeObject {
  const metadata = { ...(body.metadata ?? {}), creationTimestamp: null as unknown as string };
  if (ns) metadata.namespace = ns;
  return { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata, spec: body.spec ?? {}, status };
}

/** Access-review spec checks (upstream: exactly one of resourceAttributes and nonResourceAttributes). */
function specErrors(spec: Spec, needsSubject: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const r = spec.resourceAttributes;
  const n = spec.nonResourceAttributes;
  if (r && n) errs.push(fieldError.invalid('spec.nonResourceAttributes', n, 'cannot be specified in combination with resourceAttributes'));
  if (!r && !n) errs.push(fieldError.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (needsSubject && !str(spec.user) && strs(spec.groups).length === 0) errs.push(fieldError.invalid('spec.user', str(spec.user), 'at least one of user or group must be specified'));
  return errs;
}

function attributesOf(spec: Spec, user: UserInfo): Attributes {
  if (spec.nonResourceAttributes) {
    const n = obj(spec.nonResourceAttributes);
    return { isResourceRequest: false, user, verb: str(n.verb), path: str(n.path) };
  }
  const r = obj(spec.resourceAttributes);
  return {
    isResourceRequest: true,
    user,
    verb: str(r.verb),
    apiGroup: str(r.group),
    apiVersion: str(r.version),
    resource: str(r.resource),
    subresource: str(r.subresource),
    namespace: str(r.namespace),
    name: str(r.name),
  };
}

function accessStatus(deps: ReviewDeps, a: Attributes): Spec {
  const r = deps.authorizer.authorize(a);
  const status: Spec = { allowed: r.decision === 'allow' };
  if (r.decision === 'deny') status.denied = true;
  if (r.reason) status.reason = r.reason;
  return status;
}

function subjectOf(spec: Spec): UserInfo {
  const extra = obj(spec.extra) as Record<string, string[]>;
  return { username: str(spec.user), uid: str(spec.uid) || undefined, groups: strs(spec.groups), extra: Object.keys(extra).length ? extra : undefined };
}

function checkMetadata(rt: ResourceType, body: KubeObject, allowNamespace: boolean): void {
  const m = body.metadata ?? {};
  const extra = Object.keys(m).filter((k) => m[k] !== undefined && m[k] !== null && k !== 'creationTimestamp' && k !== 'managedFields' && !(allowNamespace && k === 'namespace'));
  if (extra.length > 0) throw invalid(rt.kind, rt.group, '', [fieldError.invalid('metadata', m, 'must be empty')]);
}

function accessReview(rt: ResourceType, deps: ReviewDeps, mode: 'self' | 'subject' | 'local'): ReviewHandler {
  return (ctx, body) => {
    checkMetadata(rt, body, mode === 'local');
    const spec = obj(body.spec);
    const errs = specErrors(spec, mode !== 'self');
    if (errs.length) throw invalid(rt.kind, rt.group, '', errs);
    if (mode === 'local') {
      const ns = str(obj(spec.resourceAttributes).namespace);
      if (!spec.resourceAttributes) throw invalid(rt.kind, rt.group, '', [fieldError.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request')]);
      if (ns !== ctx.namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ctx.namespace}`);
    }
    const user = mode === 'self' ? ctx.user : subjectOf(spec);
    return answer(rt, body, accessStatus(deps, attributesOf(spec, user)), mode === 'local' ? ctx.namespace : undefined);
  };
}

function rulesReview(rt: ResourceType, deps: ReviewDeps): ReviewHandler {
  return (ctx, body) => {
    const ns = str(obj(body.spec).namespace);
    if (!ns) throw badRequest('no namespace on request');
    const rules = deps.rulesFor(ctx.user, ns);
    const resourceRules = rules.filter((r) => !r.nonResourceURLs?.length).map((r) => ({
      verbs: r.verbs,
      apiGroups: r.apiGroups,
      resources: r.resources,
      resourceNames: r.resourceNames?.length ? r.resourceNames : undefined,
    }));
    const nonResourceRules = rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
    return answer(rt, body, { resourceRules, nonResourceRules, incomplete: false });
  };
}

function userInfoJson(u: UserInfo): Spec {
  return { username: u.username, uid: u.uid, groups: u.groups, extra: u.extra };
}

function tokenReview(rt: ResourceType, deps: ReviewDeps): ReviewHandler {
  return async (_ctx, body) => {
    const spec = obj(body.spec);
    const token = str(spec.token);
    if (!token) throw invalid(rt.kind, rt.group, '', [fieldError.required('spec.token')]);
    const r = await deps.reviewToken(token, strs(spec.audiences));
    if (!r) return answer(rt, body, { user: {}, error: '[invalid bearer token, token lookup failed]' });
    return answer(rt, body, { authenticated: true, user: userInfoJson(r.user), audiences: r.audiences });
  };
}

/** The handler that answers a review kind, or undefined for every other kind. */
export function reviewHandlers(deps: ReviewDeps): (rt: ResourceType) => ReviewHandler | undefined {
  const cache = new Map<ResourceType, ReviewHandler | undefined>();
  const make = (rt: ResourceType): ReviewHandler | undefined => {
    if (rt.group === 'authorization.k8s.io') {
      if (rt.kind === 'SelfSubjectAccessReview') return accessReview(rt, deps, 'self');
      if (rt.kind === 'SubjectAccessReview') return accessReview(rt, deps, 'subject');
      if (rt.kind === 'LocalSubjectAccessReview') return accessReview(rt, deps, 'local');
      if (rt.kind === 'SelfSubjectRulesReview') return rulesReview(rt, deps);
    }
    if (rt.group === 'authentication.k8s.io') {
      if (rt.kind === 'TokenReview') return tokenReview(rt, deps);
      if (rt.kind === 'SelfSubjectReview') return (ctx, body) => answer(rt, body, { userInfo: userInfoJson(ctx.user) });
    }
    return undefined;
  };
  return (rt) => {
    if (!cache.has(rt)) cache.set(rt, make(rt));
    return cache.get(rt);
  };
}
