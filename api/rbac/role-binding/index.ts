import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { roleBindingTable } from './table.ts';
import { roleBindingStrategy } from './strategy.ts';

// RoleBinding: grants a Role or ClusterRole within a namespace.
export const roleBindings: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.rbac.v1.RoleBinding',
  table: roleBindingTable,
  strategy: roleBindingStrategy,
};
