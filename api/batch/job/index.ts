import type { ResourceType } from '../../types.ts';
import { ALL, intField, status } from '../../builtin.ts';
import { jobTable } from './table.ts';
import { jobStrategy } from './strategy.ts';

// Job: pods run to completion.
export const jobs: ResourceType = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  verbs: ALL,
  subresources: [status('Job')],
  openapiName: 'io.k8s.api.batch.v1.Job',
  hasStatus: true,
  fieldSelectors: {
    'status.successful': intField('status.succeeded'),
  },
  table: jobTable,
  strategy: jobStrategy,
};
