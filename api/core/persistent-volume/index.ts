import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { persistentVolumeTable } from './table.ts';
import { persistentVolumeStrategy } from './strategy.ts';

// PersistentVolume: a piece of storage provisioned for the cluster.
export const persistentVolumes: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  verbs: ALL,
  subresources: [status('PersistentVolume')],
  openapiName: 'io.k8s.api.core.v1.PersistentVolume',
  hasStatus: true,
  table: persistentVolumeTable,
  strategy: persistentVolumeStrategy,
};
