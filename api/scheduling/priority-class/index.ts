import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { priorityClassTable } from './table.ts';
import { priorityClassStrategy } from './strategy.ts';

// PriorityClass: a named pod priority.
export const priorityClasses: ResourceType = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  verbs: ALL,
  openapiName: 'io.k8s.api.scheduling.v1.PriorityClass',
  table: priorityClassTable,
  strategy: priorityClassStrategy,
};
