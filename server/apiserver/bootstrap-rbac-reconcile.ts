// Keeping bootstrap RBAC current across upgrades, as upstream's apiserver does at every start:
// a bootstrap role or binding that carries `rbac.authorization.kubernetes.io/autoupdate: "true"`
// (or none) gets what a newer kubets expects of it added: missing rules, aggregation
// selectors, labels and annotations on roles; missing subjects on bindings, and a binding whose
// roleRef changed is made again (roleRef is immutable). What an admin added stays; setting the
// annotation to "false" opts an object out.

import type { KubeObject } from '../../api/types.ts';
import { missingRules } from './authz/escalation.ts';
import type { PolicyRule } from './authz/rbac-rules.ts';

export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

type Selector = { matchLabels?: Record<string, string> };
type Subject = { kind: string; name: string; namespace?: string; apiGroup?: string };

/** What to do with a stored bootstrap object: nothing, update it, or delete and create `wanted`. */
export type Reconciliation = { action: 'none' } | { action: 'update'; object: KubeObject } | { action: 'recreate' };

export function reconcileBootstrap(existing: KubeObject, wanted: KubeObject): Reconciliation {
  if (existing.metadata?.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') return { action: 'none' };
  const isBinding = wanted.kind === 'ClusterRoleBinding' || wanted.kind === 'RoleBinding';
  if (isBinding && JSON.stringify(existing.roleRef) !== JSON.stringify(wanted.roleRef)) return { action: 'recreate' };
  const next = structuredClone(existing);
  let changed = mergeMap(next, 'labels', wanted.metadata?.labels) || false;
  changed = mergeMap(next, 'annotations', wanted.metadata?.annotations) || changed;
  if (isBinding) {
    const have = (next.subjects ?? []) as Subject[];
    const key = (s: Subject) => `${s.kind}/${s.namespace ?? ''}/${s.name}`;
    const missing = ((wanted.subjects ?? []) as Subject[]).filter((s) => !have.some((h) => key(h) === key(s)));
    if (missing.length) {
      next.subjects = [...have, ...missing];
      changed = true;
    }
  } else if (wanted.aggregationRule) {
    // An aggregated role's rules are the aggregation controller's: only its selectors merge.
    const want = (wanted.aggregationRule as { clusterRoleSelectors?: Selector[] }).clusterRoleSelectors ?? [];
    const rule = ((next.aggregationRule ??= {}) as { clusterRoleSelectors?: Selector[] });
    const have = rule.clusterRoleSelectors ?? [];
    const add = want.filter((w) => !have.some((h) => JSON.stringify(h) === JSON.stringify(w)));
    if (add.length) {
      rule.clusterRoleSelectors = [...have, ...add];
      changed = true;
    }
  } else {
    const have = (next.rules ?? []) as PolicyRule[];
    const add = missingRules(have, (wanted.rules ?? []) as PolicyRule[]);
    if (add.length) {
      next.rules = [...have, ...add];
      changed = true;
    }
  }
  return changed ? { action: 'update', object: next } : { action: 'none' };
}

/** Adds the keys of `want` the object's labels or annotations lack; true if any was added. */
function mergeMap(obj: KubeObject, field: 'labels' | 'annotations', want: Record<string, string> | undefined): boolean {
  const meta = (obj.metadata ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(want ?? {})) {
    if (meta[field]?.[k] === undefined) {
      meta[field] = { ...(meta[field] ?? {}), [k]: v };
      changed = true;
    }
  }
  return changed;
}
