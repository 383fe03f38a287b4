import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { clusterRoleStrategy } from './strategy.ts';

// ClusterRole: cluster-wide permissions.
export const clusterRoles: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  verbs: ALL,
  openapiName: 'io.k8s.api.rbac.v1.ClusterRole',
  strategy: clusterRoleStrategy,
};
