// What authorization decides on (upstream's authorizer.Attributes): who, which verb, and
// either a resource (group, resource, subresource, namespace, name) or a non-resource path.
// One place builds the 403 a denied request gets, in upstream's words.

import { StatusError } from '../../../api/meta/errors.ts';
import type { UserInfo } from '../registry/types.ts';
import type { RequestInfo } from '../request-info.ts';

export interface ResourceAttributes {
  isResourceRequest: true;
  user: UserInfo;
  verb: string;
  apiGroup: string;
  apiVersion?: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface NonResourceAttributes {
  isResourceRequest: false;
  user: UserInfo;
  verb: string;
  path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthorizerResult {
  decision: Decision;
  /** Why, when there is something to say (RBAC names the binding that allowed). */
  reason: string;
}

/** One authorizer of the chain; the first that does not answer 'no-opinion' decides. */
export interface Authorizer {
  authorize(a: Attributes): AuthorizerResult;
}

/** The attributes of an HTTP request (non-resource verbs are the lower-case method). */
export function requestAttributes(user: UserInfo, info: RequestInfo): Attributes {
  if (!info.isResourceRequest) return { isResourceRequest: false, user, verb: info.verb, path: info.path };
  return {
    isResourceRequest: true,
    user,
    verb: info.verb,
    apiGroup: info.group,
    apiVersion: info.version,
    resource: info.resource,
    subresource: info.subresource,
    // namespaces/{name} is the Namespace itself: upstream authorizes it inside that namespace.
    namespace: info.namespace,
    name: info.name,
  };
}

/** Upstream's 403 for a denied request: `<resource> "<name>" is forbidden: User "u" cannot ...`. */
export function forbiddenError(a: Attributes, reason = ''): StatusError {
  const who = `User "${a.user.username}"`;
  let message: string;
  let details: { name?: string; group?: string; kind?: string } | undefined;
  if (!a.isResourceRequest) {
    message = `forbidden: ${who} cannot ${a.verb} path "${a.path}"`;
  } else {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
    const subject = a.name ? `${qualified} "${a.name}"` : qualified;
    const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    message = `${subject} is forbidden: ${who} cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`;
    details = { name: a.name || undefined, group: a.apiGroup || undefined, kind: a.resource };
  }
  if (reason) message += `: ${reason}`;
  return new StatusError(403, 'Forbidden', message, details);
}
