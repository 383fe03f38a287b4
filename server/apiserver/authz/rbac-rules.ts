// RBAC's PolicyRule and how one rule matches a request, as upstream's rbac/v1 helpers do:
// '*' matches any verb, group or resource; `*/scale` matches the scale subresource of any
// resource; resourceNames (when given) must name the object; a non-resource URL ending in
// '*' matches by prefix. Pure functions: the index and the reviews share them.

import type { Attributes } from './attributes.ts';
import type { UserInfo } from '../registry/types.ts';
import type { PolicyRule } from '../../../api/rbac/aggregation.ts';

export type { PolicyRule };

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

const has = (list: string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, verb);
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

export function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** Whether the rule allows the request. */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.isResourceRequest) return nonResourceUrlMatches(rule, a.path);
  if (!has(rule.apiGroups, a.apiGroup)) return false;
  if (!resourceMatches(rule, a.resource, a.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name);
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The index key a subject is filed under: users (service accounts are users) and groups. */
export function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns && s.name ? `u:${serviceAccountUser(ns, s.name)}` : undefined;
    }
    default:
      return undefined;
  }
}

/** The keys a user is found under: its name and each of its groups. */
export function userKeys(user: UserInfo): string[] {
  return [`u:${user.username}`, ...user.groups.map((g) => `g:${g}`)];
}

/**
 * Whether `held` covers every permission of `wanted` (escalation check): each verb x group x
 * resource x name (or verb x URL) of the wanted rule is allowed by some held rule.
 */
export function covers(held: PolicyRule[], wanted: PolicyRule): boolean {
  const verbs = wanted.verbs ?? [];
  if (wanted.nonResourceURLs?.length) {
    return verbs.every((verb) => wanted.nonResourceURLs!.every((url) =>
      held.some((h) => has(h.verbs, verb) && (h.nonResourceURLs ?? []).some((u) => u === '*' || u === url || (u.endsWith('*') && url.startsWith(u.slice(0, -1)))))));
  }
  const names = wanted.resourceNames?.length ? wanted.resourceNames : [undefined];
  return verbs.every((verb) => (wanted.apiGroups ?? []).every((group) => (wanted.resources ?? []).every((resource) => names.every((name) =>
    held.some((h) => {
      if (!has(h.verbs, verb) || !has(h.apiGroups, group)) return false;
      if (!(h.resources ?? []).some((r) => r === '*' || r === resource || (resource.includes('/') && r === `*/${resource.split('/').slice(1).join('/')}`))) return false;
      const hn = h.resourceNames ?? [];
      return hn.length === 0 || (name !== undefined && hn.includes(name));
    })))));
}
