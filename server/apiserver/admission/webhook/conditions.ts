// matchConditions: CEL expressions over `object`, `oldObject`, `request` (the AdmissionRequest
// the webhook would receive) that must all be true for the webhook to be called. Compiled as
// every admission expression (api/admissionregistration/cel.ts, over the CRD rules' CEL
// environment). As upstream's matcher: any false skips the webhook (even beside errors);
// otherwise evaluation errors follow the failurePolicy: Ignore skips, Fail refuses (403).
// `namespaceObject` is null, as upstream binds it for webhooks; `authorizer` answers through
// the server's authorizer chain for the requesting user (api/admissionregistration/cel-authz.ts).

import { compileAdmissionExpression, matchConditions, runAdmissionProgram } from '../../../../api/admissionregistration/cel.ts';
import { authorizerValue, withAuthorizer, type AuthzCheck } from '../../../../api/admissionregistration/cel-authz.ts';
import type { MatchCondition } from '../../../../api/admissionregistration/rules.ts';
import { WEBHOOK_CONDITION_SCOPE } from '../../../../api/admissionregistration/webhook.ts';
import { toCel } from '../../../../api/apiextensions/schema/cel.ts';
import { StatusError, qualifiedResource } from '../../../../api/meta/errors.ts';
import type { Attributes } from '../types.ts';

export type ConditionsResult = { matches: true } | { matches: false; failedCondition?: string } | { error: string };

/** Evaluates every condition against the request (its AdmissionReview `request`). */
export function evaluateConditions(
  conds: MatchCondition[] | undefined,
  a: Attributes,
  request: Record<string, unknown>,
  failurePolicy: string | undefined,
  authorize: AuthzCheck = () => {
    throw new Error('no authorizer');
  },
): ConditionsResult {
  if (!conds?.length) return { matches: true };
  const vars = {
    object: toCel(undefined, request.object ?? null),
    oldObject: toCel(undefined, request.oldObject ?? null),
    request: toCel(undefined, requestForCel(request)),
    namespaceObject: null,
    authorizer: authorizerValue({ group: a.resource.group, resource: a.resource.plural, subresource: a.subresource, namespace: a.namespace, name: a.name }),
  };
  const matched = matchConditions(conds, (expr) => {
    const p = compileAdmissionExpression(expr, WEBHOOK_CONDITION_SCOPE);
    if (p instanceof Error) return { error: p.message };
    return withAuthorizer(authorize, a.user, () => runAdmissionProgram(expr, p, vars));
  });
  if (matched === true) return { matches: true };
  if (!(matched instanceof Error)) return { matches: false, failedCondition: matched.failed.name };
  if (failurePolicy === 'Ignore') return { matches: false };
  return { error: matched.message };
}

/** The request as CEL sees it: every AdmissionRequest field present (empty when unset). */
function requestForCel(r: Record<string, unknown>): Record<string, unknown> {
  return { name: '', namespace: '', subResource: '', requestSubResource: '', ...r };
}

/** Upstream's refusal when the conditions could not be evaluated under failurePolicy Fail. */
export function conditionsError(a: Attributes, message: string): StatusError {
  const gr = qualifiedResource({ group: a.resource.group, resource: a.resource.plural });
  const text = a.name ? `${gr} "${a.name}" is forbidden: ${message}` : `${gr} is forbidden: ${message}`;
  return new StatusError(403, 'Forbidden', text, { name: a.name || undefined, group: a.resource.group || undefined, kind: a.resource.plural });
}
