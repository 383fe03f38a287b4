import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { ingressClassTable } from './table.ts';
import { ingressClassStrategy } from './strategy.ts';

// IngressClass: which controller implements an Ingress.
export const ingressClasses: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  verbs: ALL,
  openapiName: 'io.k8s.api.networking.v1.IngressClass',
  table: ingressClassTable,
  strategy: ingressClassStrategy,
};
