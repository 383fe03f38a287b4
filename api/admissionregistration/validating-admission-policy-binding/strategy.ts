// ValidatingAdmissionPolicyBinding strategy: its matchResources get the shared defaults; a
// policy name, at least one validation action (not both Deny and Warn) and, with a paramRef,
// a name or a selector and a parameterNotFoundAction (no default in v1) are required.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateLabelSelector } from '../../meta/labels.ts';
import { invalidGo, isDNS1123Subdomain, isValidPathSegmentName } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import { defaultMatchResources, validateMatchResources } from '../rules.ts';
import type { BindingSpec as Spec, ParamRef, ValidatingAdmissionPolicyBinding as Binding } from './types.ts';

const ACTIONS = ['Audit', 'Deny', 'Warn'];
const NOT_FOUND_ACTIONS = ['Deny', 'Allow'];

function validateParamRef(pr: ParamRef | undefined, path: string): FieldError[] {
  if (!pr) return [];
  const errs: FieldError[] = [];
  if (pr.name) {
    for (const m of isValidPathSegmentName(pr.name)) errs.push(fieldError.invalid(`${path}.name`, pr.name, m));
    if (pr.selector) errs.push(fieldError.forbidden(`${path}.name`, 'name and selector are mutually exclusive'));
  }
  if (pr.namespace) for (const m of isValidPathSegmentName(pr.namespace)) errs.push(fieldError.invalid(`${path}.namespace`, pr.namespace, m));
  if (pr.selector) {
    errs.push(...validateLabelSelector(pr.selector, `${path}.selector`));
    if (pr.name) errs.push(fieldError.forbidden(`${path}.selector`, 'name and selector are mutually exclusive'));
  }
  if (!pr.name && !pr.selector) errs.push(fieldError.required(path, 'one of name or selector must be specified'));
  const a = pr.parameterNotFoundAction;
  if (!a) errs.push(fieldError.required(`${path}.parameterNotFoundAction`));
  else if (!NOT_FOUND_ACTIONS.includes(a)) errs.push(fieldError.notSupported(`${path}.parameterNotFoundAction`, a, NOT_FOUND_ACTIONS));
  return errs;
}

function validateActions(actions: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (actions ?? []).forEach((a, i) => {
    if (!ACTIONS.includes(a)) errs.push(fieldError.notSupported(`${path}[${i}]`, a, ACTIONS));
    if (seen.has(a)) errs.push(fieldError.duplicate(`${path}[${i}]`, a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(invalidGo(path, actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  if (seen.size === 0) errs.push(fieldError.required(path, 'at least one validation action is required'));
  return errs;
}

export function validateBindingSpec(s: Spec): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.policyName) errs.push(fieldError.required('spec.policyName'));
  else for (const m of isDNS1123Subdomain(s.policyName)) errs.push(fieldError.invalid('spec.policyName', s.policyName, m));
  errs.push(...validateParamRef(s.paramRef, 'spec.paramRef'));
  // Upstream names the path "matchResouces" (sic); clients see that spelling.
  errs.push(...validateMatchResources(s.matchResources, 'spec.matchResouces'));
  errs.push(...validateActions(s.validationActions, 'spec.validationActions'));
  return errs;
}

export const validatingAdmissionPolicyBindingStrategy = simpleStrategy<Binding>({
  namespaced: false,
  generation: true,
  defaults: (b) => defaultMatchResources(b.spec?.matchResources),
  validate: (b) => validateBindingSpec(b.spec ?? {}),
});
