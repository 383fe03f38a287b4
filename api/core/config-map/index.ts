import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { configMapTable } from './table.ts';
import { configMapStrategy } from './strategy.ts';

// ConfigMap: non-secret configuration data for pods.
export const configMaps: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  verbs: ALL,
  openapiName: 'io.k8s.api.core.v1.ConfigMap',
  table: configMapTable,
  strategy: configMapStrategy,
};
