import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { priorityLevelConfigurationTable } from './table.ts';
import { priorityLevelConfigurationStrategy } from './strategy.ts';

// PriorityLevelConfiguration: concurrency shares and queuing for a priority level.
export const priorityLevelConfigurations: ResourceType = {
  group: 'flowcontrol.apiserver.k8s.io',
  version: 'v1',
  kind: 'PriorityLevelConfiguration',
  plural: 'prioritylevelconfigurations',
  singular: 'prioritylevelconfiguration',
  namespaced: false,
  verbs: ALL,
  subresources: [status('PriorityLevelConfiguration')],
  openapiName: 'io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration',
  hasStatus: true,
  table: priorityLevelConfigurationTable,
  strategy: priorityLevelConfigurationStrategy,
};
