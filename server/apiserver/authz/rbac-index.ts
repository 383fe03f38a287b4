// The RBAC authorizer over an in-memory index: roles by name, and bindings filed under each
// subject they name (user, group, service account), cluster-wide and per namespace. A
// request looks up only the bindings of its own user and groups, so 1,000 RoleBindings for
// others cost nothing. The index is fed from the apiserver's watch caches (see feed.ts).

import type { KubeObject } from '../../../api/types.ts';
import type { UserInfo } from '../registry/types.ts';
import type { Attributes, Authorizer, AuthorizerResult } from './attributes.ts';
import { ruleAllows, subjectKey, userKeys, type PolicyRule, type Subject } from './rbac-rules.ts';

export interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace: string;
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

export type RbacKind = 'ClusterRole' | 'Role' | 'ClusterRoleBinding' | 'RoleBinding';

/** A rule set reached through one binding, for reviews and escalation checks. */
export interface GrantedRules {
  binding: Binding;
  subject: Subject;
  rules: PolicyRule[];
}

const key = (ns: string, name: string) => `${ns}/${name}`;

export class RbacIndex implements Authorizer {
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly bindings = new Map<string, Binding>();
  /** namespace ('' for cluster bindings) -> subject key -> bindings */
  private readonly bySubject = new Map<string, Map<string, Set<Binding>>>();

  /** Adds or replaces an object of one of the four RBAC kinds. */
  upsert(kind: RbacKind, obj: KubeObject): void {
    const name = obj.metadata?.name ?? '';
    const ns = obj.metadata?.namespace ?? '';
    if (kind === 'ClusterRole') this.clusterRoles.set(name, rulesOf(obj));
    else if (kind === 'Role') this.roles.set(key(ns, name), rulesOf(obj));
    else {
      this.remove(kind, obj);
      const b: Binding = {
        kind,
        name,
        namespace: kind === 'RoleBinding' ? ns : '',
        roleRef: (obj.roleRef as Binding['roleRef']) ?? { kind: '', name: '' },
        subjects: Array.isArray(obj.subjects) ? (obj.subjects as Subject[]) : [],
      };
      this.bindings.set(`${kind}:${key(b.namespace, name)}`, b);
      let byKey = this.bySubject.get(b.namespace);
      if (!byKey) this.bySubject.set(b.namespace, (byKey = new Map()));
      for (const s of b.subjects) {
        const k = subjectKey(s, b.namespace);
        if (!k) continue;
        let set = byKey.get(k);
        if (!set) byKey.set(k, (set = new Set()));
        set.add(b);
      }
    }
  }

  remove(kind: RbacKind, obj: KubeObject): void {
    const name = obj.metadata?.name ?? '';
    const ns = obj.metadata?.namespace ?? '';
    if (kind === 'ClusterRole') this.clusterRoles.delete(name);
    else if (kind === 'Role') this.roles.delete(key(ns, name));
    else {
      const bns = kind === 'RoleBinding' ? ns : '';
      const id = `${kind}:${key(bns, name)}`;
      const old = this.bindings.get(id);
      if (!old) return;
      this.bindings.delete(id);
      const byKey = this.bySubject.get(bns);
      for (const s of old.subjects) {
        const k = subjectKey(s, bns);
        if (k) byKey?.get(k)?.delete(old);
      }
    }
  }

  /** A role's rules, or undefined when there is no such role. */
  roleRulesOf(kind: 'Role' | 'ClusterRole', namespace: string, name: string): PolicyRule[] | undefined {
    return kind === 'ClusterRole' ? this.clusterRoles.get(name) : this.roles.get(key(namespace, name));
  }

  /** The rules a binding grants: its role's, or [] when the role is missing. */
  private roleRules(b: Binding): PolicyRule[] {
    if (b.roleRef.kind === 'ClusterRole') return this.clusterRoles.get(b.roleRef.name) ?? [];
    if (b.roleRef.kind === 'Role' && b.kind === 'RoleBinding') return this.roles.get(key(b.namespace, b.roleRef.name)) ?? [];
    return [];
  }

  /** Each binding that applies to the user in the namespace ('' = cluster bindings only), with its rules. */
  *grants(user: UserInfo, namespace: string): Generator<GrantedRules> {
    const keys = userKeys(user);
    for (const ns of namespace ? ['', namespace] : ['']) {
      const byKey = this.bySubject.get(ns);
      if (!byKey) continue;
      for (const k of keys) {
        const set = byKey.get(k);
        if (!set) continue;
        for (const binding of set) {
          const subject = binding.subjects.find((s) => subjectKey(s, binding.namespace) === k)!;
          yield { binding, subject, rules: this.roleRules(binding) };
        }
      }
    }
  }

  /** Every rule the user holds in the namespace (cluster-wide ones included). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const out: PolicyRule[] = [];
    for (const g of this.grants(user, namespace)) out.push(...g.rules);
    return out;
  }

  authorize(a: Attributes): AuthorizerResult {
    const ns = a.isResourceRequest ? a.namespace : '';
    for (const g of this.grants(a.user, ns)) {
      for (const rule of g.rules) {
        if (ruleAllows(a, rule)) return { decision: 'allow', reason: allowedBy(g) };
      }
    }
    return { decision: 'no-opinion', reason: '' };
  }
}

function rulesOf(obj: KubeObject): PolicyRule[] {
  return Array.isArray(obj.rules) ? (obj.rules as PolicyRule[]) : [];
}

/** Upstream's reason: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`. */
function allowedBy(g: GrantedRules): string {
  const where = g.binding.kind === 'RoleBinding' ? `RoleBinding "${g.binding.name}/${g.binding.namespace}"` : `ClusterRoleBinding "${g.binding.name}"`;
  const s = g.subject.kind === 'ServiceAccount' ? `ServiceAccount "${g.subject.name}/${g.subject.namespace || g.binding.namespace}"` : `${g.subject.kind} "${g.subject.name}"`;
  return `RBAC: allowed by ${where} of ${g.binding.roleRef.kind} "${g.binding.roleRef.name}" to ${s}`;
}
