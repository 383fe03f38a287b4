// ValidatingAdmissionPolicy strategy: failurePolicy Fail and the match constraints' defaults
// (matchPolicy Equivalent, match-all selectors, rule scope "*"); validation as upstream's,
// CEL expressions included: one that does not compile is refused (./cel.ts).

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1035Label, isDNS1123Subdomain, isQualifiedName, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import { FAILURE_POLICIES, defaultMatchResources, validateMatchConditions, validateMatchResources } from '../rules.ts';
import { validatePolicyExpressions } from './cel.ts';
import type { PolicySpec as Spec, ValidatingAdmissionPolicy as Policy, Validation } from './types.ts';

const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];

function validateParamKind(pk: NonNullable<Spec['paramKind']>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const av = pk.apiVersion;
  if (!av) errs.push(fieldError.required(`${path}.apiVersion`));
  else {
    const parts = av.split('/');
    if (parts.length > 2) errs.push(fieldError.invalid(`${path}.apiVersion`, av, `unexpected GroupVersion string: ${av}`));
    else {
      const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
      if (group) for (const m of isDNS1123Subdomain(group)) errs.push(fieldError.invalid(`${path}.apiVersion`, group, m));
      for (const m of isDNS1035Label(version)) errs.push(fieldError.invalid(`${path}.apiVersion`, version, m));
    }
  }
  if (!pk.kind) errs.push(fieldError.required(`${path}.kind`));
  else {
    const msgs = isDNS1035Label(pk.kind.toLowerCase());
    if (msgs.length) errs.push(fieldError.invalid(`${path}.kind`, pk.kind, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
  }
  return errs;
}

function validateValidation(v: Validation, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!v.expression?.trim()) errs.push(fieldError.required(`${path}.expression`, 'expression is not specified'));
  if (v.messageExpression && !v.messageExpression.trim()) errs.push(fieldError.invalid(`${path}.messageExpression`, v.messageExpression, 'must be non-empty if specified'));
  if (v.message && !v.message.trim()) errs.push(fieldError.invalid(`${path}.message`, v.message, 'message must be non-empty if specified'));
  else if (v.message && /[\n\r]/.test(v.message.trim())) errs.push(fieldError.invalid(`${path}.message`, v.message, 'message must not contain line breaks'));
  errs.push(...validateEnum(v.reason, REASONS, `${path}.reason`));
  return errs;
}

export function validatePolicySpec(s: Spec): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.failurePolicy) errs.push(fieldError.required('spec.failurePolicy'));
  else errs.push(...validateEnum(s.failurePolicy, FAILURE_POLICIES, 'spec.failurePolicy'));
  if (s.paramKind) errs.push(...validateParamKind(s.paramKind, 'spec.paramKind'));
  if (!s.matchConstraints) errs.push(fieldError.required('spec.matchConstraints'));
  else {
    errs.push(...validateMatchResources(s.matchConstraints, 'spec.matchConstraints'));
    if (!s.matchConstraints.resourceRules?.length) errs.push(fieldError.required('spec.matchConstraints.resourceRules'));
  }
  errs.push(...validateMatchConditions(s.matchConditions, 'spec.matchConditions'));
  if (!s.validations?.length && !s.auditAnnotations?.length) {
    errs.push(fieldError.required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  }
  (s.validations ?? []).forEach((v, i) => errs.push(...validateValidation(v, `spec.validations[${i}]`)));
  const keys = new Set<string>();
  (s.auditAnnotations ?? []).forEach((a, i) => {
    const p = `spec.auditAnnotations[${i}]`;
    if (!a.key) errs.push(fieldError.required(`${p}.key`));
    else {
      for (const m of isQualifiedName(`placeholder.k8s.io/${a.key}`)) errs.push(fieldError.invalid(`${p}.key`, a.key, m));
      if (keys.has(a.key)) errs.push(fieldError.duplicate(`${p}.key`, a.key));
      keys.add(a.key);
    }
    if (!a.valueExpression?.trim()) errs.push(fieldError.required(`${p}.valueExpression`, 'valueExpression is not specified'));
  });
  (s.variables ?? []).forEach((v, i) => {
    if (!v.name) errs.push(fieldError.required(`spec.variables[${i}].name`, 'name is not specified'));
    if (!v.expression?.trim()) errs.push(fieldError.required(`spec.variables[${i}].expression`, 'expression is not specified'));
  });
  errs.push(...validatePolicyExpressions(s));
  return errs;
}

export const validatingAdmissionPolicyStrategy = simpleStrategy<Policy>({
  namespaced: false,
  generation: true,
  defaults: (p) => {
    if (!p.spec) return;
    p.spec.failurePolicy ??= 'Fail';
    defaultMatchResources(p.spec.matchConstraints);
  },
  validate: (p) => validatePolicySpec(p.spec ?? {}),
});
