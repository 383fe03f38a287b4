import type { ResourceType } from '../../types.ts';
import { ALL, intField, scale, status } from '../../builtin.ts';
import { replicaSetTable } from './table.ts';
import { replicaSetStrategy } from './strategy.ts';

// ReplicaSet: keeps N replicas of a pod template running.
export const replicaSets: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: ALL,
  subresources: [scale(), status('ReplicaSet')],
  openapiName: 'io.k8s.api.apps.v1.ReplicaSet',
  hasStatus: true,
  fieldSelectors: {
    'status.replicas': intField('status.replicas'),
  },
  table: replicaSetTable,
  strategy: replicaSetStrategy,
};
