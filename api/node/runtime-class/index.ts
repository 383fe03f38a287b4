import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { runtimeClassTable } from './table.ts';
import { runtimeClassStrategy } from './strategy.ts';

// RuntimeClass: a container runtime configuration pods can select.
export const runtimeClasses: ResourceType = {
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  plural: 'runtimeclasses',
  singular: 'runtimeclass',
  namespaced: false,
  verbs: ALL,
  openapiName: 'io.k8s.api.node.v1.RuntimeClass',
  table: runtimeClassTable,
  strategy: runtimeClassStrategy,
};
