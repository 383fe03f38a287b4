// Which webhooks of a configuration are called for a request, as upstream's webhook rules
// matcher: rules (operations, apiGroups, apiVersions, resources with subresources and `*`,
// scope), then namespaceSelector and objectSelector. matchPolicy is equivalent.ts, the CEL
// matchConditions conditions.ts.

import type { KubeObject } from '../../../../api/types.ts';
import { labelSelectorFromObject, type LabelSelector } from '../../../../api/meta/labels.ts';
import type { Attributes } from '../types.ts';

export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: '*' | 'Cluster' | 'Namespaced';
}

const has = (list: string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

function resourceMatches(patterns: string[] | undefined, resource: string, sub: string): boolean {
  return (patterns ?? []).some((p) => {
    const [pr, ps = ''] = p.split('/', 2) as [string, string?];
    return (pr === '*' || pr === resource) && (ps === '*' || ps === sub);
  });
}

export function ruleMatches(rule: RuleWithOperations, a: Attributes): boolean {
  if (!has(rule.operations, a.operation)) return false;
  if (!has(rule.apiGroups, a.resource.group)) return false;
  if (!has(rule.apiVersions, a.resource.version)) return false;
  if (!resourceMatches(rule.resources, a.resource.plural, a.subresource)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && a.namespace !== '') return false;
  // A Namespace is cluster-scoped yet "Namespaced" matches it, as upstream's.
  if (scope === 'Namespaced' && a.namespace === '' && !(a.resource.group === '' && a.resource.plural === 'namespaces')) return false;
  return true;
}

/** objectSelector: the new or the old object's labels match (an absent object never blocks). */
export function objectSelectorMatches(sel: LabelSelector | undefined, a: Attributes): boolean {
  if (!sel || (!sel.matchLabels && !sel.matchExpressions)) return true;
  const s = labelSelectorFromObject(sel);
  const objs = [a.object, a.oldObject].filter((o): o is KubeObject => !!o);
  return objs.some((o) => s.matches(o.metadata?.labels ?? {}));
}

/**
 * namespaceSelector: the labels of the request's namespace (of the Namespace itself for
 * namespaces); cluster-scoped objects other than Namespaces always match.
 */
export async function namespaceSelectorMatches(
  sel: LabelSelector | undefined,
  a: Attributes,
  getNamespace: (name: string) => Promise<KubeObject | undefined>,
): Promise<boolean> {
  if (!sel || (!sel.matchLabels && !sel.matchExpressions)) return true;
  const isNamespace = a.resource.group === '' && a.resource.plural === 'namespaces';
  if (a.namespace === '' && !isNamespace) return true;
  const s = labelSelectorFromObject(sel);
  const ns = isNamespace ? (a.object ?? a.oldObject) : await getNamespace(a.namespace);
  return s.matches(ns?.metadata?.labels ?? {});
}
