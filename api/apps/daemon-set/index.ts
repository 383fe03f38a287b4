import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { daemonSetTable } from './table.ts';
import { daemonSetStrategy } from './strategy.ts';

// DaemonSet: one pod per eligible node.
export const daemonSets: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  verbs: ALL,
  subresources: [status('DaemonSet')],
  openapiName: 'io.k8s.api.apps.v1.DaemonSet',
  hasStatus: true,
  table: daemonSetTable,
  strategy: daemonSetStrategy,
};
