import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { resourceQuotaTable } from './table.ts';
import { resourceQuotaStrategy } from './strategy.ts';

// ResourceQuota: aggregate resource limits for a namespace.
export const resourceQuotas: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  verbs: ALL,
  subresources: [status('ResourceQuota')],
  openapiName: 'io.k8s.api.core.v1.ResourceQuota',
  hasStatus: true,
  table: resourceQuotaTable,
  strategy: resourceQuotaStrategy,
};
