import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { csiNodeTable } from './table.ts';
import { csiNodeStrategy } from './strategy.ts';

// CSINode: CSI drivers installed on one node.
export const csiNodes: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSINode',
  plural: 'csinodes',
  singular: 'csinode',
  namespaced: false,
  verbs: ALL,
  openapiName: 'io.k8s.api.storage.v1.CSINode',
  table: csiNodeTable,
  strategy: csiNodeStrategy,
};
