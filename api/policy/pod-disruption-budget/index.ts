import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { podDisruptionBudgetTable } from './table.ts';
import { podDisruptionBudgetStrategy } from './strategy.ts';

// PodDisruptionBudget: how many pods voluntary disruptions may take down.
export const podDisruptionBudgets: ResourceType = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  verbs: ALL,
  subresources: [status('PodDisruptionBudget')],
  openapiName: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  hasStatus: true,
  table: podDisruptionBudgetTable,
  strategy: podDisruptionBudgetStrategy,
};
