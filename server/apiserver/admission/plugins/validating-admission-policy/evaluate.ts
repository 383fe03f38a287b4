// One policy evaluated for one request under one binding (and one param): matchConditions,
// then every validation, then the auditAnnotations, as upstream's validator. Variables are
// evaluated lazily, once per evaluation, only when an expression names them. Evaluation
// errors and compilation errors become Deny decisions under failurePolicy Fail and are
// dropped under Ignore.

import { compileAdmissionExpression, matchConditions, runAdmissionProgram, type AdmissionOutcome, type AdmissionScope } from '../../../../../api/admissionregistration/cel.ts';
import { authorizerValue, withAuthorizer, type AuthzCheck } from '../../../../../api/admissionregistration/cel-authz.ts';
import { toCel } from '../../../../../api/apiextensions/schema/cel.ts';
import type { KubeObject, ResourceType } from '../../../../../api/types.ts';
import type { Attributes } from '../../types.ts';
import { buildReview } from '../../webhook/call.ts';
import type { ValidatingAdmissionPolicy as Policy, Validation } from '../../../../../api/admissionregistration/validating-admission-policy/types.ts';

export interface Decision {
  action: 'Admit' | 'Deny';
  message: string;
  /** The validation's reason (Invalid when unset); empty for errors. */
  reason: string;
  /** The index of the validation in spec.validations; -1 for a matchConditions error. */
  index: number;
}

export interface PolicyResult {
  decisions: Decision[];
  /** auditAnnotations: key (without the policy prefix) to value. */
  annotations: Record<string, string>;
}

/** The request as CEL's `request`: upstream's AdmissionRequest, without the objects. */
function requestOf(a: Attributes, requested: ResourceType): Record<string, unknown> {
  const r = buildReview(a, undefined, requested).request as Record<string, unknown>;
  delete r.object;
  delete r.oldObject;
  return {
    ...r,
    namespace: a.namespace,
    subResource: a.subresource,
    requestSubResource: a.subresource,
    userInfo: { username: a.user.username, uid: a.user.uid ?? '', groups: a.user.groups ?? [], extra: a.user.extra ?? {} },
  };
}

function expressionsOf(p: Policy): string[] {
  const s = p.spec ?? {};
  return [
    ...(s.matchConditions ?? []).map((c) => c.expression ?? ''),
    ...(s.variables ?? []).map((v) => v.expression ?? ''),
    ...(s.validations ?? []).flatMap((v) => [v.expression ?? '', v.messageExpression ?? '']),
    ...(s.auditAnnotations ?? []).map((x) => x.valueExpression ?? ''),
  ];
}

type Outcome = AdmissionOutcome;

/** The evaluation of one request's expressions: the activation and the variables computed so far. */
export class Evaluation {
  private readonly vars: Record<string, unknown>;
  private readonly values = new Map<string, Outcome>();
  private readonly declared: Map<string, { expression: string; index: number }>;

  constructor(
    private readonly policy: Policy,
    a: Attributes,
    namespaceObject: KubeObject | undefined,
    params: KubeObject | undefined,
    private readonly authorize: AuthzCheck = () => {
      throw new Error('no authorizer');
    },
    /** The resource the request named (`a.resource` is the version the policy matched). */
    requested: ResourceType = a.resource,
    private readonly user = a.user,
  ) {
    this.declared = new Map((policy.spec?.variables ?? []).map((v, index) => [v.name ?? '', { expression: v.expression ?? '', index }]));
    // Only what some expression names is converted for CEL (most policies read `object` alone).
    const text = expressionsOf(policy).join('\n');
    const named = (v: string) => new RegExp(`\\b${v}\\b`).test(text);
    this.vars = {
      object: named('object') ? toCel(undefined, a.object ?? null) : null,
      oldObject: named('oldObject') ? toCel(undefined, a.oldObject ?? null) : null,
      request: named('request') ? toCel(undefined, requestOf(a, requested)) : null,
      namespaceObject: named('namespaceObject') ? toCel(undefined, namespaceObject ?? null) : null,
      params: named('params') ? toCel(undefined, params ?? null) : null,
      variables: new Map(),
      authorizer: named('authorizer')
        ? authorizerValue({ group: a.resource.group, resource: a.resource.plural, subresource: a.subresource, namespace: a.namespace, name: a.name })
        : null,
    };
  }

  private scope(upTo?: number): AdmissionScope {
    const names = [...this.declared.entries()].filter(([, d]) => upTo === undefined || d.index < upTo).map(([n]) => n);
    return { params: !!this.policy.spec?.paramKind, variables: names, authorizer: true };
  }

  /** The variables an expression names, computed (recursively) into the activation. */
  private prepare(expr: string): string | undefined {
    for (const m of expr.matchAll(/\bvariables\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const name = m[1]!;
      const d = this.declared.get(name);
      if (!d) continue;
      let o = this.values.get(name);
      if (!o) {
        // A placeholder first: a variable naming itself is an error, not a loop.
        this.values.set(name, { error: `variable "${name}" refers to itself` });
        o = this.run(d.expression, d.index);
        this.values.set(name, o);
        if ('value' in o) (this.vars.variables as Map<string, unknown>).set(name, o.value);
      }
      if ('error' in o) return o.error;
    }
    return undefined;
  }

  private run(expr: string, upTo?: number): Outcome {
    const p = compileAdmissionExpression(expr, this.scope(upTo));
    if (p instanceof Error) return { error: `compilation error: ${p.message}` };
    const failed = this.prepare(expr);
    if (failed) return { error: failed };
    return withAuthorizer(this.authorize, this.user, () => runAdmissionProgram(expr, p, this.vars));
  }

  /** matchConditions: false if any is false; else an error if any failed; else true. */
  matchConditions(): boolean | Error {
    const m = matchConditions(this.policy.spec?.matchConditions ?? [], (expr) => this.run(expr));
    return m === true || m instanceof Error ? m : false;
  }

  private messageOf(v: Validation): string {
    if (v.messageExpression) {
      const o = this.run(v.messageExpression);
      if ('value' in o && typeof o.value === 'string' && o.value.trim() !== '' && !/[\r\n]/.test(o.value)) return o.value;
    }
    return v.message || `failed expression: ${(v.expression ?? '').trim()}`;
  }

  validate(v: Validation, index: number): Decision {
    const o = this.run(v.expression ?? '');
    if ('error' in o) {
      const action = this.policy.spec?.failurePolicy === 'Ignore' ? 'Admit' : 'Deny';
      return { action, message: o.error, reason: '', index };
    }
    if (o.value === true) return { action: 'Admit', message: '', reason: '', index };
    return { action: 'Deny', message: this.messageOf(v), reason: v.reason || 'Invalid', index };
  }

  /** auditAnnotations: a string value is published; null or '' omits the key; errors per failurePolicy. */
  annotations(): { values: Record<string, string>; errors: string[] } {
    const values: Record<string, string> = {};
    const errors: string[] = [];
    for (const an of this.policy.spec?.auditAnnotations ?? []) {
      const o = this.run(an.valueExpression ?? '');
      if ('error' in o) errors.push(o.error);
      else if (typeof o.value === 'string') {
        if (o.value !== '') values[an.key ?? ''] = o.value;
      } else if (o.value !== null) {
        errors.push(`valueExpression '${an.valueExpression}' resulted in unsupported return type: ${typeof o.value}. Return type must be either string or null.`);
      }
    }
    return { values, errors };
  }
}

/** Upstream's validator: matchConditions, validations, auditAnnotations. */
export function evaluatePolicy(e: Evaluation, policy: Policy): PolicyResult {
  const fail = policy.spec?.failurePolicy !== 'Ignore';
  const matched = e.matchConditions();
  if (matched instanceof Error) {
    return { decisions: [{ action: fail ? 'Deny' : 'Admit', message: matched.message, reason: '', index: -1 }], annotations: {} };
  }
  if (!matched) return { decisions: [], annotations: {} };
  const decisions = (policy.spec?.validations ?? []).map((v, i) => e.validate(v, i));
  const { values, errors } = e.annotations();
  for (const message of errors) if (fail) decisions.push({ action: 'Deny', message, reason: '', index: -1 });
  return { decisions, annotations: values };
}
