import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { endpointsTable } from './table.ts';
import { endpointsStrategy } from './strategy.ts';

// Endpoints: the addresses behind a Service (the legacy API, superseded by EndpointSlice).
export const endpoints: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  verbs: ALL,
  openapiName: 'io.k8s.api.core.v1.Endpoints',
  table: endpointsTable,
  strategy: endpointsStrategy,
};
