// FlowSchema strategy: matchingPrecedence 1000 by default (upstream defaults 0 too); a
// priority level reference, subjects and rules checked as upstream's flowcontrol validation.
// Upstream also pins the specs of the mandatory schemas ("exempt", "catch-all"); not here.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { invalidGo, isDNS1123Label, isDNS1123Subdomain, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateConditions, validateRuleList } from '../rules.ts';

interface Subject { kind?: string; user?: { name?: string }; group?: { name?: string }; serviceAccount?: { name?: string; namespace?: string } }
interface ResourceRule { verbs?: string[]; apiGroups?: string[]; resources?: string[]; clusterScope?: boolean; namespaces?: string[] }
interface NonResourceRule { verbs?: string[]; nonResourceURLs?: string[] }
interface Rule { subjects?: Subject[]; resourceRules?: ResourceRule[]; nonResourceRules?: NonResourceRule[] }
interface Spec { priorityLevelConfiguration?: { name?: string }; matchingPrecedence?: number; distinguisherMethod?: { type?: string }; rules?: Rule[] }
type FlowSchema = KubeObject & { spec?: Spec; status?: { conditions?: { type?: string }[] } };

const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];
const OTHER_KIND_FIELDS: Record<string, [keyof Subject, string][]> = {
  ServiceAccount: [['user', "user is forbidden when subject kind is not 'User'"], ['group', "group is forbidden when subject kind is not 'Group'"]],
  User: [['serviceAccount', "serviceAccount is forbidden when subject kind is not 'ServiceAccount'"], ['group', "group is forbidden when subject kind is not 'Group'"]],
  Group: [['serviceAccount', "serviceAccount is forbidden when subject kind is not 'ServiceAccount'"], ['user', "user is forbidden when subject kind is not 'User'"]],
};

function validateSubject(s: Subject, path: string): FieldError[] {
  const others = OTHER_KIND_FIELDS[s.kind ?? ''];
  if (!others) return [fieldError.notSupported(`${path}.kind`, s.kind ?? '', SUBJECT_KINDS)];
  const errs: FieldError[] = [];
  if (s.kind === 'ServiceAccount') {
    const sa = s.serviceAccount;
    if (!sa) errs.push(fieldError.required(`${path}.serviceAccount`, "serviceAccount is required when subject kind is 'ServiceAccount'"));
    else {
      if (!sa.name) errs.push(fieldError.required(`${path}.serviceAccount.name`));
      else if (sa.name !== '*') for (const m of isDNS1123Subdomain(sa.name)) errs.push(fieldError.invalid(`${path}.serviceAccount.name`, sa.name, m));
      if (!sa.namespace) errs.push(fieldError.required(`${path}.serviceAccount.namespace`, 'must specify namespace for service account'));
      else for (const m of isDNS1123Label(sa.namespace)) errs.push(fieldError.invalid(`${path}.serviceAccount.namespace`, sa.namespace, m));
    }
  } else {
    const key = s.kind === 'User' ? 'user' : 'group';
    const v = s[key];
    if (!v) errs.push(fieldError.required(`${path}.${key}`, `${key} is required when subject kind is '${s.kind}'`));
    else if (!v.name) errs.push(fieldError.required(`${path}.${key}.name`));
  }
  for (const [k, msg] of others) if (s[k] !== undefined && s[k] !== null) errs.push(fieldError.forbidden(`${path}.${k}`, msg));
  return errs;
}

function validateRule(r: Rule, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (r.subjects?.length) r.subjects.forEach((s, i) => errs.push(...validateSubject(s, `${path}.subjects[${i}]`)));
  else errs.push(fieldError.required(`${path}.subjects`, 'subjects must contain at least one value'));
  if (!r.resourceRules?.length && !r.nonResourceRules?.length) errs.push(fieldError.required(path, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
  (r.resourceRules ?? []).forEach((rr, i) => {
    const p = `${path}.resourceRules[${i}]`;
    errs.push(...validateRuleList(rr.verbs, `${p}.verbs`, 'verbs'));
    errs.push(...validateRuleList(rr.apiGroups, `${p}.apiGroups`, 'api groups', 'resource rules must supply at least one api group'));
    errs.push(...validateRuleList(rr.resources, `${p}.resources`, 'resources', 'resource rules must supply at least one resource'));
    const ns = rr.namespaces ?? [];
    if (!ns.length && !rr.clusterScope) errs.push(fieldError.required(`${p}.namespaces`, 'resource rules that are not cluster scoped must supply at least one namespace'));
    else if (ns.includes('*')) {
      if (ns.length > 1) errs.push(invalidGo(`${p}.namespaces`, ns, "if '*' is present, must not specify other namespaces"));
    } else {
      ns.forEach((n, j) => {
        for (const m of isDNS1123Label(n)) errs.push(fieldError.invalid(`${p}.namespaces[${j}]`, n, `each member of this list must be '*' or a DNS-1123 label; ${m}`));
      });
    }
  });
  (r.nonResourceRules ?? []).forEach((nr, i) => {
    const p = `${path}.nonResourceRules[${i}]`;
    errs.push(...validateRuleList(nr.verbs, `${p}.verbs`, 'verbs'));
    errs.push(...validateRuleList(nr.nonResourceURLs, `${p}.nonResourceURLs`, 'non-resource URLs', 'nonResourceURLs must contain at least one value'));
    if (!nr.nonResourceURLs?.includes('*')) (nr.nonResourceURLs ?? []).forEach((u, j) => errs.push(...validateNonResourceURL(u, `${p}.nonResourceURLs[${j}]`)));
  });
  return errs;
}

function validateNonResourceURL(u: string, path: string): FieldError[] {
  const bad = (why: string) => [fieldError.invalid(path, u, why)];
  if (u === '') return bad('must not be empty');
  if (u === '/') return [];
  if (!u.startsWith('/')) return bad('must start with slash');
  if (u.includes(' ')) return bad('must not contain white-space');
  if (u.includes('//')) return bad('must not contain double slash');
  const stars = u.split('*').length - 1;
  if (stars > 1 || (stars === 1 && !u.endsWith('/*'))) return bad('wildcard can only do suffix matching');
  return [];
}

export function validateFlowSchema(fs: FlowSchema): FieldError[] {
  const s = fs.spec ?? {};
  const errs: FieldError[] = [];
  const mp = s.matchingPrecedence ?? 0;
  if (mp <= 0) errs.push(fieldError.invalid('spec.matchingPrecedence', mp, 'must be a positive value'));
  if (mp > 10000) errs.push(fieldError.invalid('spec.matchingPrecedence', mp, 'must not be greater than 10000'));
  if (mp === 1 && fs.metadata?.name !== 'exempt') errs.push(fieldError.invalid('spec.matchingPrecedence', mp, "only the schema named 'exempt' may have matchingPrecedence 1"));
  if (s.distinguisherMethod) errs.push(...validateEnum(s.distinguisherMethod.type ?? '', ['ByNamespace', 'ByUser'], 'spec.distinguisherMethod.type'));
  const pl = s.priorityLevelConfiguration?.name;
  if (!pl) errs.push(fieldError.required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
  else for (const m of isDNS1123Subdomain(pl)) errs.push(fieldError.invalid('spec.priorityLevelConfiguration.name', pl, m));
  (s.rules ?? []).forEach((r, i) => errs.push(...validateRule(r, `spec.rules[${i}]`)));
  return [...errs, ...validateConditions(fs.status?.conditions)];
}

export const flowSchemaStrategy = simpleStrategy<FlowSchema>({
  namespaced: false,
  generation: true,
  initialStatus: () => ({}),
  defaults: (fs) => {
    fs.spec ??= {};
    if (!fs.spec.matchingPrecedence) fs.spec.matchingPrecedence = 1000;
  },
  validate: validateFlowSchema,
});
