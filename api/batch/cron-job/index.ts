import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { cronJobTable } from './table.ts';
import { cronJobStrategy } from './strategy.ts';

// CronJob: Jobs created on a schedule.
export const cronJobs: ResourceType = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  verbs: ALL,
  subresources: [status('CronJob')],
  openapiName: 'io.k8s.api.batch.v1.CronJob',
  hasStatus: true,
  table: cronJobTable,
  strategy: cronJobStrategy,
};
