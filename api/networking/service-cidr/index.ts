import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { serviceCIDRTable } from './table.ts';
import { serviceCIDRStrategy } from './strategy.ts';

// ServiceCIDR: a range Service cluster IPs are allocated from (GA in 1.33).
export const serviceCIDRs: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'ServiceCIDR',
  plural: 'servicecidrs',
  singular: 'servicecidr',
  namespaced: false,
  verbs: ALL,
  subresources: [status('ServiceCIDR')],
  openapiName: 'io.k8s.api.networking.v1.ServiceCIDR',
  hasStatus: true,
  table: serviceCIDRTable,
  strategy: serviceCIDRStrategy,
};
