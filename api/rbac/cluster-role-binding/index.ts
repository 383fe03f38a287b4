import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { clusterRoleBindingTable } from './table.ts';
import { clusterRoleBindingStrategy } from './strategy.ts';

// ClusterRoleBinding: grants a ClusterRole cluster-wide.
export const clusterRoleBindings: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  verbs: ALL,
  openapiName: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  table: clusterRoleBindingTable,
  strategy: clusterRoleBindingStrategy,
};
