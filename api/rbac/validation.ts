// RBAC validation shared by the four kinds: policy rules, role references and subjects.

import { fieldError, type FieldError } from '../meta/errors.ts';
import { goValue, isDNS1123Subdomain, isValidPathSegmentName, validateEnum } from '../meta/validation.ts';
import { validateLabelSelector, type LabelSelector } from '../meta/labels.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}
export interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

export function validatePolicyRule(r: PolicyRule, field: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!r.verbs || r.verbs.length === 0) errs.push(fieldError.required(`${field}.verbs`, 'verbs must contain at least one value'));
  const urls = r.nonResourceURLs ?? [];
  const resources = r.resources ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldError.invalid(`${field}.nonResourceURLs`, goValue(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if ((r.apiGroups ?? []).length > 0 || resources.length > 0 || (r.resourceNames ?? []).length > 0) {
      errs.push(fieldError.invalid(`${field}.nonResourceURLs`, goValue(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!r.apiGroups || r.apiGroups.length === 0) errs.push(fieldError.required(`${field}.apiGroups`, 'resource rules must supply at least one api group'));
  if (resources.length === 0) errs.push(fieldError.required(`${field}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((r, i) => validatePolicyRule(r, `rules[${i}]`, namespaced));
}

export function validateAggregationRule(agg: { clusterRoleSelectors?: LabelSelector[] } | undefined): FieldError[] {
  if (!agg) return [];
  const sels = agg.clusterRoleSelectors ?? [];
  if (sels.length === 0) return [fieldError.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil')];
  return sels.flatMap((s, i) => validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`));
}

export function validateRoleRef(ref: RoleRef | undefined, namespaced: boolean): FieldError[] {
  const r = ref ?? {};
  const errs: FieldError[] = [];
  if (r.apiGroup !== RBAC_GROUP) errs.push(fieldError.notSupported('roleRef.apiGroup', r.apiGroup ?? '', [RBAC_GROUP]));
  errs.push(...validateEnum(r.kind, namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'], 'roleRef.kind', true));
  if (!r.name) errs.push(fieldError.required('roleRef.name'));
  else for (const m of isValidPathSegmentName(r.name)) errs.push(fieldError.invalid('roleRef.name', r.name, m));
  return errs;
}

export function validateSubjects(subjects: Subject[] | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (subjects ?? []).forEach((s, i) => {
    const p = `subjects[${i}]`;
    if (!s.name) errs.push(fieldError.required(`${p}.name`));
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.name) for (const m of isDNS1123Subdomain(s.name)) errs.push(fieldError.invalid(`${p}.name`, s.name, m));
        if (s.apiGroup) errs.push(fieldError.notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
        if (!namespaced && !s.namespace) errs.push(fieldError.required(`${p}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) errs.push(fieldError.notSupported(`${p}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
        break;
      default:
        errs.push(fieldError.notSupported(`${p}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  return errs;
}

/** rbac/v1 defaults: roleRef and User/Group subjects default to the RBAC group. */
export function defaultBinding(b: { roleRef?: RoleRef; subjects?: Subject[] }): void {
  if (b.roleRef) b.roleRef.apiGroup ||= RBAC_GROUP;
  for (const s of b.subjects ?? []) {
    if ((s.kind === 'User' || s.kind === 'Group') && !s.apiGroup) s.apiGroup = RBAC_GROUP;
    if (s.kind === 'ServiceAccount' && s.apiGroup === undefined) s.apiGroup = '';
  }
}

export function validateRoleRefUpdate(next: RoleRef | undefined, prev: RoleRef | undefined): FieldError[] {
  const same = (next?.apiGroup ?? '') === (prev?.apiGroup ?? '') && next?.kind === prev?.kind && next?.name === prev?.name;
  return same ? [] : [fieldError.invalid('roleRef', next ?? null, 'cannot change roleRef')];
}
