import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { persistentVolumeClaimTable } from './table.ts';
import { persistentVolumeClaimStrategy } from './strategy.ts';

// PersistentVolumeClaim: a request for storage, bound to a PersistentVolume.
export const persistentVolumeClaims: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  verbs: ALL,
  subresources: [status('PersistentVolumeClaim')],
  openapiName: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  hasStatus: true,
  table: persistentVolumeClaimTable,
  strategy: persistentVolumeClaimStrategy,
};
