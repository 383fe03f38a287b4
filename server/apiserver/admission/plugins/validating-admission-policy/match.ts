// Which requests a policy's matchConstraints and a binding's matchResources select, as
// upstream's policy matcher: namespaceSelector, objectSelector, excludeResourceRules, then
// resourceRules (with resourceNames). Rules and selectors are the webhooks' matching
// (../../webhook/match.ts), and so is matchPolicy Equivalent (../../webhook/equivalent.ts):
// a rule naming another served version of the same stored resource selects the request at
// that version.

import type { KubeObject, ResourceType } from '../../../../../api/types.ts';
import type { MatchResources, RuleWithOperations } from '../../../../../api/admissionregistration/rules.ts';
import type { Attributes } from '../../types.ts';
import { equivalentResources } from '../../webhook/equivalent.ts';
import { namespaceSelectorMatches, objectSelectorMatches, ruleMatches } from '../../webhook/match.ts';

type GetNamespace = (name: string) => Promise<KubeObject | undefined>;

function namedRuleMatches(rule: RuleWithOperations, a: Attributes): boolean {
  if (rule.resourceNames?.length && !rule.resourceNames.includes(a.name)) return false;
  return ruleMatches(rule as Parameters<typeof ruleMatches>[0], a);
}

/** The resource at which one of `rules` selects the request: its own, else an equivalent one. */
function rulesMatch(rules: RuleWithOperations[], a: Attributes, equivalents: () => ResourceType[]): ResourceType | undefined {
  if (rules.some((r) => namedRuleMatches(r, a))) return a.resource;
  for (const r of rules) for (const eq of equivalents()) if (namedRuleMatches(r, { ...a, resource: eq })) return eq;
  return undefined;
}

/**
 * The resource at which `m` selects the request (the request's own, or under matchPolicy
 * Equivalent another served version of it), undefined when it does not. An empty
 * resourceRules selects every resource (a binding's matchResources); a policy's
 * matchConstraints always has rules (its validation requires them).
 */
export async function matchResourcesMatch(
  m: MatchResources,
  a: Attributes,
  getNamespace: GetNamespace,
  served: () => readonly ResourceType[] = () => [],
): Promise<ResourceType | undefined> {
  if (!(await namespaceSelectorMatches(m.namespaceSelector, a, getNamespace))) return undefined;
  if (!objectSelectorMatches(m.objectSelector, a)) return undefined;
  let eqs: ResourceType[] | undefined;
  const equivalents = () => (m.matchPolicy === 'Exact' ? [] : (eqs ??= equivalentResources(served(), a.resource, a.subresource)));
  if (rulesMatch(m.excludeResourceRules ?? [], a, equivalents)) return undefined;
  const rules = m.resourceRules ?? [];
  return rules.length === 0 ? a.resource : rulesMatch(rules, a, equivalents);
}
