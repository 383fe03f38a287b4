import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { ingressTable } from './table.ts';
import { ingressStrategy } from './strategy.ts';

// Ingress: HTTP routing from outside the cluster to Services.
export const ingresses: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  verbs: ALL,
  subresources: [status('Ingress')],
  openapiName: 'io.k8s.api.networking.v1.Ingress',
  hasStatus: true,
  table: ingressTable,
  strategy: ingressStrategy,
};
