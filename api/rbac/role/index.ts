import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { roleStrategy } from './strategy.ts';

// Role: namespaced permissions.
export const roles: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.rbac.v1.Role',
  strategy: roleStrategy,
};
