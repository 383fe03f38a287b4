// Upstream's audit Policy (audit.k8s.io/v1): the first rule that matches a request decides its
// level (None, Metadata, Request, RequestResponse) and which stages are left out. No rule
// matching means None.

import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

const LEVELS: Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES: Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export const levelAtLeast = (l: Level, min: Level) => LEVELS.indexOf(l) >= LEVELS.indexOf(min);

interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

interface Rule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** What a rule matches on. */
export interface RequestAttributes {
  user: { username: string; groups: string[] };
  verb: string;
  resource?: { group: string; resource: string; subresource: string; namespace: string; name: string };
  path: string;
}

/** The decision for one request. */
export interface AuditRequirement {
  level: Level;
  omitStages: Stage[];
  omitManagedFields: boolean;
}

export interface AuditPolicy {
  evaluate(a: RequestAttributes): AuditRequirement;
}

export class AuditPolicyError extends Error {}

export function loadAuditPolicy(path: string): AuditPolicy {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AuditPolicyError(`failed to read audit policy file "${path}": ${(e as Error).message}`);
  }
  return parseAuditPolicy(doc);
}

export function parseAuditPolicy(doc: unknown): AuditPolicy {
  const d = (doc ?? {}) as { apiVersion?: unknown; kind?: unknown; rules?: unknown; omitStages?: unknown; omitManagedFields?: unknown };
  if (d.kind !== 'Policy' || d.apiVersion !== 'audit.k8s.io/v1') {
    throw new AuditPolicyError(`expected apiVersion audit.k8s.io/v1 and kind Policy, got ${String(d.apiVersion)} ${String(d.kind)}`);
  }
  const errs: string[] = [];
  const rules = (Array.isArray(d.rules) ? d.rules : []) as Rule[];
  if (!rules.length) errs.push('rules: Required value: a policy must have at least one rule');
  const stagesOk = (s: unknown, at: string) => {
    for (const x of (s ?? []) as unknown[]) if (!STAGES.includes(x as Stage)) errs.push(`${at}: Unsupported value: "${String(x)}": supported values: "${STAGES.join('", "')}"`);
  };
  stagesOk(d.omitStages, 'omitStages');
  rules.forEach((r, i) => {
    if (!LEVELS.includes(r?.level)) errs.push(`rules[${i}].level: Unsupported value: "${String(r?.level)}": supported values: "${LEVELS.join('", "')}"`);
    stagesOk(r?.omitStages, `rules[${i}].omitStages`);
    if (r?.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length)) {
      errs.push(`rules[${i}].nonResourceURLs: Invalid value: rules cannot apply to both regular resources and non-resource URLs`);
    }
  });
  if (errs.length) throw new AuditPolicyError(errs.join(', '));
  const policyOmit = (d.omitStages ?? []) as Stage[];
  const policyOmitManaged = d.omitManagedFields === true;
  return {
    evaluate(a) {
      const r = rules.find((rule) => ruleMatches(rule, a));
      if (!r) return { level: 'None', omitStages: policyOmit, omitManagedFields: policyOmitManaged };
      return {
        level: r.level,
        omitStages: [...new Set([...policyOmit, ...(r.omitStages ?? [])])],
        omitManagedFields: r.omitManagedFields ?? policyOmitManaged,
      };
    },
  };
}

function ruleMatches(r: Rule, a: RequestAttributes): boolean {
  if (r.users?.length && !r.users.includes(a.user.username)) return false;
  if (r.userGroups?.length && !a.user.groups.some((g) => r.userGroups!.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  const forResources = !!(r.namespaces?.length || r.resources?.length);
  if (r.nonResourceURLs?.length) return !a.resource && r.nonResourceURLs.some((u) => (u.endsWith('*') ? a.path.startsWith(u.slice(0, -1)) : a.path === u));
  if (!forResources) return true;
  if (!a.resource) return false;
  if (r.namespaces?.length && !r.namespaces.includes(a.resource.namespace)) return false;
  if (r.resources?.length && !r.resources.some((g) => groupResourcesMatch(g, a.resource!))) return false;
  return true;
}

/** `pods`, `pods/log`, `pods/*` (pods and every subresource), `*\/scale`, `*`; resourceNames for named requests. */
function groupResourcesMatch(g: GroupResources, r: NonNullable<RequestAttributes['resource']>): boolean {
  if ((g.group ?? '') !== r.group) return false;
  if (g.resources?.length) {
    const full = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    const ok = g.resources.some((p) => p === '*' || p === full || p === `${r.resource}/*` || (p.startsWith('*/') && p.slice(2) === r.subresource));
    if (!ok) return false;
  }
  if (g.resourceNames?.length && !g.resourceNames.includes(r.name)) return false;
  return true;
}
