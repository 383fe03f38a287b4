import type { ResourceType } from '../../types.ts';
import { ALL, scale, status } from '../../builtin.ts';
import { statefulSetTable } from './table.ts';
import { statefulSetStrategy } from './strategy.ts';

// StatefulSet: pods with stable names and storage, rolled out in order.
export const statefulSets: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  verbs: ALL,
  subresources: [scale(), status('StatefulSet')],
  openapiName: 'io.k8s.api.apps.v1.StatefulSet',
  hasStatus: true,
  table: statefulSetTable,
  strategy: statefulSetStrategy,
};
