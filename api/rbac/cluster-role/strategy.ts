// ClusterRole strategy: path-segment names, rules (non-resource URLs allowed), aggregation.

import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import type { LabelSelector } from '../../meta/labels.ts';
import { validateAggregationRule, validateRules, type PolicyRule } from '../validation.ts';

type ClusterRole = KubeObject & { rules?: PolicyRule[]; aggregationRule?: { clusterRoleSelectors?: LabelSelector[] } };

export const clusterRoleStrategy = simpleStrategy<ClusterRole>({
  namespaced: false,
  nameRule: 'path-segment',
  validate: (r) => [...validateRules(r.rules, false), ...validateAggregationRule(r.aggregationRule)],
});
