import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { storageClassTable } from './table.ts';
import { storageClassStrategy } from './strategy.ts';

// StorageClass: how volumes of a class are provisioned.
export const storageClasses: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  verbs: ALL,
  openapiName: 'io.k8s.api.storage.v1.StorageClass',
  table: storageClassTable,
  strategy: storageClassStrategy,
};
