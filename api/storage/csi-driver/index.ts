import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { csiDriverTable } from './table.ts';
import { csiDriverStrategy } from './strategy.ts';

// CSIDriver: what a CSI volume driver supports.
export const csiDrivers: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIDriver',
  plural: 'csidrivers',
  singular: 'csidriver',
  namespaced: false,
  verbs: ALL,
  openapiName: 'io.k8s.api.storage.v1.CSIDriver',
  table: csiDriverTable,
  strategy: csiDriverStrategy,
};
