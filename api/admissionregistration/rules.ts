// What webhooks and admission policies share (upstream's admissionregistration v1 defaults and
// validation): rules with operations, match resources, match conditions and selectors.

import { fieldError, type FieldError } from '../meta/errors.ts';
import { validateLabelSelector, type LabelSelector } from '../meta/labels.ts';
import { invalidGo, isDNS1123Subdomain, isQualifiedName, isValidPathSegmentName, validateEnum } from '../meta/validation.ts';

export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
  resourceNames?: string[];
}

export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: RuleWithOperations[];
  excludeResourceRules?: RuleWithOperations[];
  matchPolicy?: string;
}

export interface MatchCondition {
  name?: string;
  expression?: string;
}

export const FAILURE_POLICIES = ['Fail', 'Ignore'];
export const MATCH_POLICIES = ['Equivalent', 'Exact'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];

/** A rule's scope defaults to "*" (any scope). */
export function defaultRules(rules: RuleWithOperations[] | undefined): void {
  for (const r of rules ?? []) r.scope ??= '*';
}

/** MatchResources: matchPolicy Equivalent and empty (match-all) selectors. */
export function defaultMatchResources(m: MatchResources | undefined): void {
  if (!m) return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  defaultRules(m.resourceRules);
  defaultRules(m.excludeResourceRules);
}

/** Resources of a rule: "*" and "x/*" forms may not overlap what else is listed. */
function validateResources(resources: string[] | undefined, path: string): FieldError[] {
  if (!resources?.length) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  const wildSub = new Set<string>();
  const wildRes = new Set<string>();
  let doubleWild = false;
  let singleWild = false;
  let plain = false;
  resources.forEach((r, i) => {
    if (r === '') return void errs.push(fieldError.required(`${path}[${i}]`));
    if (r === '*/*') doubleWild = true;
    if (r === '*') singleWild = true;
    const slash = r.indexOf('/');
    if (slash < 0) {
      plain = r !== '*';
      return;
    }
    const res = r.slice(0, slash);
    const sub = r.slice(slash + 1);
    if (wildSub.has(res)) errs.push(fieldError.invalid(`${path}[${i}]`, r, `if '${res}/*' is present, must not specify ${r}`));
    if (wildRes.has(sub)) errs.push(fieldError.invalid(`${path}[${i}]`, r, `if '*/${sub}' is present, must not specify ${r}`));
    if (sub === '*') wildSub.add(res);
    if (res === '*') wildRes.add(sub);
  });
  if (resources.length > 1 && doubleWild) errs.push(invalidGo(path, resources, "if '*/*' is present, must not specify other resources"));
  if (singleWild && plain) errs.push(invalidGo(path, resources, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

function wildcardAlone(list: string[] | undefined, path: string, what: string): FieldError[] {
  return list && list.length > 1 && list.includes('*') ? [invalidGo(path, list, `if '*' is present, must not specify other ${what}`)] : [];
}

export function validateRuleWithOperations(r: RuleWithOperations, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!r.operations?.length) errs.push(fieldError.required(`${path}.operations`));
  errs.push(...wildcardAlone(r.operations, `${path}.operations`, 'operations'));
  (r.operations ?? []).forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.push(fieldError.notSupported(`${path}.operations[${i}]`, op, OPERATIONS));
  });
  if (!r.apiGroups?.length) errs.push(fieldError.required(`${path}.apiGroups`));
  errs.push(...wildcardAlone(r.apiGroups, `${path}.apiGroups`, 'API groups'));
  if (!r.apiVersions?.length) errs.push(fieldError.required(`${path}.apiVersions`));
  errs.push(...wildcardAlone(r.apiVersions, `${path}.apiVersions`, 'API versions'));
  (r.apiVersions ?? []).forEach((v, i) => {
    if (v === '') errs.push(fieldError.required(`${path}.apiVersions[${i}]`));
  });
  errs.push(...validateResources(r.resources, `${path}.resources`));
  if (r.scope !== undefined && r.scope !== null && !SCOPES.includes(r.scope)) errs.push(fieldError.notSupported(`${path}.scope`, r.scope, SCOPES));
  return errs;
}

/** A policy's rules may also name objects (resourceNames). */
function validateNamedRule(r: RuleWithOperations, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (r.resourceNames ?? []).forEach((n, i) => {
    for (const m of isValidPathSegmentName(n)) errs.push(fieldError.invalid(`${path}.resourceNames[${i}]`, n, m));
    if (seen.has(n)) errs.push(fieldError.duplicate(`${path}.resourceNames[${i}]`, n));
    seen.add(n);
  });
  return [...errs, ...validateRuleWithOperations(r, path)];
}

export function validateMatchResources(m: MatchResources | undefined, path: string): FieldError[] {
  if (!m) return [];
  const errs = validateEnum(m.matchPolicy, MATCH_POLICIES, `${path}.matchPolicy`, true);
  errs.push(...validateLabelSelector(m.namespaceSelector, `${path}.namespaceSelector`));
  errs.push(...validateLabelSelector(m.objectSelector, `${path}.objectSelector`));
  (m.resourceRules ?? []).forEach((r, i) => errs.push(...validateNamedRule(r, `${path}.resourceRules[${i}]`)));
  (m.excludeResourceRules ?? []).forEach((r, i) => errs.push(...validateNamedRule(r, `${path}.excludeResourceRules[${i}]`)));
  return errs;
}

/** At most 64, each a qualified name (unique) and an expression. CEL is compiled on use, not here. */
export function validateMatchConditions(conds: MatchCondition[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!conds) return errs;
  if (conds.length > 64) errs.push({ type: 'FieldValueTooMany', field: path, detail: `Too many: ${conds.length}: must have at most 64 items` });
  const seen = new Set<string>();
  conds.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c.expression?.trim()) errs.push(fieldError.required(`${p}.expression`));
    if (!c.name) errs.push(fieldError.required(`${p}.name`));
    else {
      for (const m of isQualifiedName(c.name)) errs.push(fieldError.invalid(`${p}.name`, c.name, m));
      if (seen.has(c.name)) errs.push(fieldError.duplicate(`${p}.name`, c.name));
      seen.add(c.name);
    }
  });
  return errs;
}

/** Webhook names: a DNS subdomain of at least three labels (upstream's IsFullyQualifiedName). */
export function validateFullyQualifiedName(name: string | undefined, path: string): FieldError[] {
  if (!name) return [fieldError.required(path)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const msgs = isDNS1123Subdomain(n);
  if (msgs.length) return [fieldError.invalid(path, n, msgs.join(','))];
  return n.split('.').length < 3 ? [fieldError.invalid(path, n, 'should be a domain with at least three segments separated by dots')] : [];
}
