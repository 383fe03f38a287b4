// Classification as upstream's: the FlowSchemas in order of matchingPrecedence (ties by name),
// the first whose rules match the request's user and target (and whose priority level
// exists) wins; its distinguisher (ByUser, ByNamespace, none) names the flow.

import type { KubeObject } from '../../../api/types.ts';
import type { UserInfo } from '../registry/types.ts';
import type { RequestInfo } from '../request-info.ts';

interface Subject {
  kind: string;
  user?: { name: string };
  group?: { name: string };
  serviceAccount?: { namespace: string; name: string };
}
interface ResourceRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  clusterScope?: boolean;
  namespaces?: string[];
}
interface NonResourceRule {
  verbs?: string[];
  nonResourceURLs?: string[];
}
interface Rules {
  subjects?: Subject[];
  resourceRules?: ResourceRule[];
  nonResourceRules?: NonResourceRule[];
}
export interface FlowSchemaSpec {
  priorityLevelConfiguration?: { name?: string };
  matchingPrecedence?: number;
  distinguisherMethod?: { type?: string };
  rules?: Rules[];
}

export interface Classification {
  flowSchema: KubeObject;
  level: string;
  /** The flow: the schema's name and the distinguisher's value. */
  flow: string;
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function subjectMatches(s: Subject, user: UserInfo): boolean {
  if (s.kind === 'User') return s.user?.name === '*' || s.user?.name === user.username;
  if (s.kind === 'Group') return s.group?.name === '*' || user.groups.includes(s.group?.name ?? '');
  if (s.kind === 'ServiceAccount' && s.serviceAccount) {
    const prefix = `system:serviceaccount:${s.serviceAccount.namespace}:`;
    return user.username.startsWith(prefix) && (s.serviceAccount.name === '*' || user.username === prefix + s.serviceAccount.name);
  }
  return false;
}

function nonResourceMatches(r: NonResourceRule, verb: string, path: string): boolean {
  if (!has(r.verbs, verb)) return false;
  return (r.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('/*') && path.startsWith(u.slice(0, -1))));
}

function rulesMatch(rules: Rules, user: UserInfo, info: RequestInfo): boolean {
  if (!(rules.subjects ?? []).some((s) => subjectMatches(s, user))) return false;
  if (!info.isResourceRequest) return (rules.nonResourceRules ?? []).some((r) => nonResourceMatches(r, info.verb, info.path));
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return (rules.resourceRules ?? []).some(
    (r) => has(r.verbs, info.verb) && has(r.apiGroups, info.group) && has(r.resources, resource) && (info.namespace ? has(r.namespaces, info.namespace) : !!r.clusterScope),
  );
}

/** The schemas in upstream's matching order. */
export function orderFlowSchemas(schemas: KubeObject[]): KubeObject[] {
  const prec = (o: KubeObject) => (o.spec as FlowSchemaSpec | undefined)?.matchingPrecedence ?? 1000;
  return [...schemas].sort((a, b) => prec(a) - prec(b) || (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

export function classify(ordered: KubeObject[], levels: ReadonlySet<string>, user: UserInfo, info: RequestInfo): Classification | undefined {
  for (const fs of ordered) {
    const spec = (fs.spec ?? {}) as FlowSchemaSpec;
    const level = spec.priorityLevelConfiguration?.name ?? '';
    if (!levels.has(level)) continue; // dangling
    if (!(spec.rules ?? []).some((r) => rulesMatch(r, user, info))) continue;
    const by = spec.distinguisherMethod?.type;
    const key = by === 'ByUser' ? user.username : by === 'ByNamespace' && info.isResourceRequest ? info.namespace : '';
    return { flowSchema: fs, level, flow: `${fs.metadata!.name}/${key}` };
  }
  return undefined;
}
