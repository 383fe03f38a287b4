import type { ResourceType } from '../../types.ts';
import { ALL, intField, scale, status } from '../../builtin.ts';
import { replicationControllerTable } from './table.ts';
import { replicationControllerStrategy } from './strategy.ts';

// ReplicationController: the original keeper of N pod replicas (ReplicaSet's predecessor).
export const replicationControllers: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  verbs: ALL,
  subresources: [scale(), status('ReplicationController')],
  openapiName: 'io.k8s.api.core.v1.ReplicationController',
  hasStatus: true,
  fieldSelectors: {
    'status.replicas': intField('status.replicas'),
  },
  table: replicationControllerTable,
  strategy: replicationControllerStrategy,
};
