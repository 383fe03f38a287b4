import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { csiStorageCapacityTable } from './table.ts';
import { csiStorageCapacityStrategy } from './strategy.ts';

// CSIStorageCapacity: storage a CSI driver can provision in a topology segment.
export const csiStorageCapacities: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIStorageCapacity',
  plural: 'csistoragecapacities',
  singular: 'csistoragecapacity',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.storage.v1.CSIStorageCapacity',
  table: csiStorageCapacityTable,
  strategy: csiStorageCapacityStrategy,
};
