// Escalation and bind prevention, as upstream's RBAC storage enforces them: a Role or
// ClusterRole may only be written by someone who holds every permission it grants (or may
// `escalate`), and a binding only by someone who holds every permission of the role it
// references (or may `bind` that role). An aggregationRule needs `escalate` outright.
// Upstream does this in RBAC's "policybased" storage wrapping the four kinds' stores, not in
// admission: here `rbacPolicyHooks` gives the engine those kinds' store hooks.

import type { KubeObject, ResourceType, StoreHooks } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import type { UserInfo } from '../registry/types.ts';
import type { Authorizer } from './attributes.ts';
import { covers, type PolicyRule } from './rbac-rules.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface EscalationDeps {
  authorizer: Authorizer;
  /** Every rule the user holds in the namespace ('' = cluster-wide only). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[];
  /** The rules of a referenced role, or undefined when it does not exist. */
  roleRules(kind: 'Role' | 'ClusterRole', namespace: string, name: string): PolicyRule[] | undefined;
}

const q = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

/** rbac/v1 CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** The wanted permissions the held rules miss, one rule per group/resource/name with its verbs. */
export function missingRules(held: PolicyRule[], wanted: PolicyRule[]): PolicyRule[] {
  const merged = new Map<string, PolicyRule>();
  const add = (r: PolicyRule, verb: string) => {
    const k = JSON.stringify([r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);
    const m = merged.get(k);
    if (m) m.verbs.push(verb);
    else merged.set(k, { ...r, verbs: [verb] });
  };
  for (const w of wanted) {
    for (const verb of w.verbs ?? []) {
      if (w.nonResourceURLs?.length) {
        for (const url of w.nonResourceURLs) if (!covers(held, { verbs: [verb], nonResourceURLs: [url] })) add({ verbs: [], nonResourceURLs: [url] }, verb);
        continue;
      }
      for (const group of w.apiGroups ?? []) {
        for (const resource of w.resources ?? []) {
          const names = w.resourceNames?.length ? w.resourceNames : [undefined];
          for (const name of names) {
            const one: PolicyRule = { verbs: [verb], apiGroups: [group], resources: [resource], ...(name ? { resourceNames: [name] } : {}) };
            if (!covers(held, one)) add({ ...one, verbs: [] }, verb);
          }
        }
      }
    }
  }
  return [...merged.values()].sort((a, b) => (compactString(a) < compactString(b) ? -1 : 1));
}

function forbidden(rt: ResourceType, name: string, why: string): StatusError {
  return new StatusError(403, 'Forbidden', `${rt.plural}.${RBAC_GROUP} "${name}" is forbidden: ${why}`, { name, group: RBAC_GROUP, kind: rt.plural });
}

function notHeld(user: UserInfo, missing: PolicyRule[]): string {
  return `user ${JSON.stringify(user.username)} (groups=${q(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compactString).join('\n')}`;
}

function may(deps: EscalationDeps, user: UserInfo, verb: string, resource: string, namespace: string, name: string): boolean {
  return deps.authorizer.authorize({ isResourceRequest: true, user, verb, apiGroup: RBAC_GROUP, resource, subresource: '', namespace, name }).decision === 'allow';
}

/** Refuses a create or update of an RBAC object that would grant what its author does not hold. */
export function checkRbacWrite(deps: EscalationDeps, rt: ResourceType, obj: KubeObject, user: UserInfo): void {
  if (rt.group !== RBAC_GROUP) return;
  const name = obj.metadata?.name ?? '';
  const ns = rt.namespaced ? (obj.metadata?.namespace ?? '') : '';
  if (rt.kind === 'Role' || rt.kind === 'ClusterRole') {
    if (may(deps, user, 'escalate', rt.plural, ns, name)) return;
    if (rt.kind === 'ClusterRole' && obj.aggregationRule) throw forbidden(rt, name, 'must have cluster-admin privileges to use the aggregationRule');
    const missing = missingRules(deps.rulesFor(user, ns), (obj.rules as PolicyRule[] | undefined) ?? []);
    if (missing.length) throw forbidden(rt, name, notHeld(user, missing));
    return;
  }
  if (rt.kind !== 'RoleBinding' && rt.kind !== 'ClusterRoleBinding') return;
  const ref = (obj.roleRef ?? {}) as { kind?: string; name?: string };
  const refKind = ref.kind === 'Role' ? 'Role' : 'ClusterRole';
  const refResource = refKind === 'Role' ? 'roles' : 'clusterroles';
  if (may(deps, user, 'bind', refResource, ns, ref.name ?? '')) return;
  const rules = deps.roleRules(refKind, ns, ref.name ?? '');
  if (!rules) throw new StatusError(404, 'NotFound', `${refResource}.${RBAC_GROUP} "${ref.name ?? ''}" not found`, { name: ref.name, group: RBAC_GROUP, kind: refResource });
  const missing = missingRules(deps.rulesFor(user, ns), rules);
  if (missing.length) throw forbidden(rt, name, notHeld(user, missing));
}

/**
 * The store hooks of RBAC's policy-based storage: every create and update of a Role,
 * ClusterRole, RoleBinding or ClusterRoleBinding (dry runs too) passes checkRbacWrite. `deps`
 * is read at write time: the authorizer is built after the engines that feed it.
 */
export function rbacPolicyHooks(deps: () => EscalationDeps): (rt: ResourceType) => StoreHooks | undefined {
  return (rt) => {
    if (rt.group !== RBAC_GROUP) return undefined;
    return {
      beforeCreate: (obj, ctx) => checkRbacWrite(deps(), rt, obj, ctx.user),
      beforeUpdate: (obj, _old, ctx) => checkRbacWrite(deps(), rt, obj, ctx.user),
    };
  };
}
