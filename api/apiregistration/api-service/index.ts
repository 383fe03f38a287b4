import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { apiServiceTable } from './table.ts';
import { apiServiceStrategy } from './strategy.ts';

// APIService: a group/version served locally or by an aggregated server.
export const apiServices: ResourceType = {
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  namespaced: false,
  categories: ['api-extensions'],
  verbs: ALL,
  subresources: [status('APIService')],
  openapiName: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
  hasStatus: true,
  table: apiServiceTable,
  strategy: apiServiceStrategy,
};
