// ClusterRole aggregation, as upstream's clusterrole-aggregation controller computes it: a
// role with an aggregationRule holds the rules of every other ClusterRole its selectors
// match, in role-name order, each distinct rule once. Pure: the bootstrap policy and the
// controller share it.

import type { KubeObject } from '../types.ts';
import { labelSelectorFromObject, type LabelSelector } from '../meta/labels.ts';

/** rbac/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export function aggregationSelectors(role: KubeObject): LabelSelector[] | undefined {
  const rule = role.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined;
  return rule ? (rule.clusterRoleSelectors ?? []) : undefined;
}

/** The rules the aggregated role should hold; undefined when it has no aggregationRule. */
export function aggregatedRules(role: KubeObject, all: KubeObject[]): PolicyRule[] | undefined {
  const selectors = aggregationSelectors(role);
  if (!selectors) return undefined;
  const matchers = selectors.map((s) => {
    try {
      return labelSelectorFromObject(s);
    } catch {
      return undefined;
    }
  });
  const seen = new Set<string>();
  const out: PolicyRule[] = [];
  const sources = all
    .filter((r) => r.metadata?.name !== role.metadata?.name)
    .filter((r) => matchers.some((m) => m?.matches(r.metadata?.labels ?? {})))
    .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  for (const source of sources) {
    for (const rule of (source.rules as PolicyRule[] | undefined) ?? []) {
      const key = JSON.stringify(rule);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(rule);
    }
  }
  return out;
}
