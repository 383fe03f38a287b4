// Which requests a policy's matchConstraints and a binding's matchResources select, as
// upstream's policy matcher: namespaceSelector, objectSelector, excludeResourceRules, then
// resourceRules (with resourceNames). Rules and selectors are the webhooks' matching
// (../../webhook/match.ts). matchPolicy Equivalent matches as Exact: kubets serves each
// resource under one group and version, so there is no equivalent resource to convert to.

import type { KubeObject } from '../../../../../api/types.ts';
import type { MatchResources, RuleWithOperations } from '../../../../../api/admissionregistration/rules.ts';
import type { Attributes } from '../../types.ts';
import { namespaceSelectorMatches, objectSelectorMatches, ruleMatches } from '../../webhook/match.ts';

type GetNamespace = (name: string) => Promise<KubeObject | undefined>;

function namedRuleMatches(rule: RuleWithOperations, a: Attributes): boolean {
  if (rule.resourceNames?.length && !rule.resourceNames.includes(a.name)) return false;
  return ruleMatches(rule as Parameters<typeof ruleMatches>[0], a);
}

/**
 * Whether `m` selects the request. An empty resourceRules selects every resource (a binding's
 * matchResources); a policy's matchConstraints always has rules (its validation requires them).
 */
export async function matchResourcesMatch(m: MatchResources, a: Attributes, getNamespace: GetNamespace): Promise<boolean> {
  if (!(await namespaceSelectorMatches(m.namespaceSelector, a, getNamespace))) return false;
  if (!objectSelectorMatches(m.objectSelector, a)) return false;
  if ((m.excludeResourceRules ?? []).some((r) => namedRuleMatches(r, a))) return false;
  const rules = m.resourceRules ?? [];
  return rules.length === 0 || rules.some((r) => namedRuleMatches(r, a));
}
