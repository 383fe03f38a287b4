import type { ResourceType } from '../../types.ts';
import { ALL, proxy, status, strField } from '../../builtin.ts';
import { serviceHooks } from './hooks.ts';
import { serviceTable } from './table.ts';
import { serviceStrategy } from './strategy.ts';

// Service: a stable virtual IP and DNS name in front of a set of pods.
export const services: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ALL,
  subresources: [proxy('ServiceProxyOptions'), status('Service')],
  openapiName: 'io.k8s.api.core.v1.Service',
  hasStatus: true,
  hooks: () => serviceHooks(),
  fieldSelectors: {
    'spec.clusterIP': strField('spec.clusterIP'),
    'spec.type': strField('spec.type'),
  },
  table: serviceTable,
  strategy: serviceStrategy,
};
