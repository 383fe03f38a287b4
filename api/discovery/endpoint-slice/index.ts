import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { endpointSliceTable } from './table.ts';
import { endpointSliceStrategy } from './strategy.ts';

// EndpointSlice: a slice of the endpoints behind a Service.
export const endpointSlices: ResourceType = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.discovery.v1.EndpointSlice',
  table: endpointSliceTable,
  strategy: endpointSliceStrategy,
};
