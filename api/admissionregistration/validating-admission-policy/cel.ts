// A policy's CEL expressions compiled when it is written, as upstream's validation does: each
// that does not compile is an Invalid field error with cel-go's `compilation failed: ...`.
// Variables may name the variables declared before them; everything else may name them all.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { compileAdmissionExpression, type AdmissionScope } from '../cel.ts';
import type { PolicySpec } from './types.ts';

function check(expr: string | undefined, scope: AdmissionScope, path: string, errs: FieldError[]): void {
  if (!expr?.trim()) return;
  const p = compileAdmissionExpression(expr, scope);
  if (p instanceof Error) errs.push(fieldError.invalid(path, expr, p.message));
}

export function validatePolicyExpressions(s: PolicySpec): FieldError[] {
  const errs: FieldError[] = [];
  const params = !!s.paramKind;
  const names = (s.variables ?? []).map((v) => v.name ?? '');
  const all: AdmissionScope = { params, variables: names, authorizer: true };
  (s.variables ?? []).forEach((v, i) => check(v.expression, { params, variables: names.slice(0, i), authorizer: true }, `spec.variables[${i}].expression`, errs));
  (s.matchConditions ?? []).forEach((c, i) => check(c.expression, all, `spec.matchConditions[${i}].expression`, errs));
  (s.validations ?? []).forEach((v, i) => {
    check(v.expression, all, `spec.validations[${i}].expression`, errs);
    check(v.messageExpression, all, `spec.validations[${i}].messageExpression`, errs);
  });
  (s.auditAnnotations ?? []).forEach((a, i) => check(a.valueExpression, all, `spec.auditAnnotations[${i}].valueExpression`, errs));
  return errs;
}
