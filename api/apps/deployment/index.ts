import type { ResourceType } from '../../types.ts';
import { ALL, scale, status } from '../../builtin.ts';
import { deploymentTable } from './table.ts';
import { deploymentStrategy } from './strategy.ts';

// Deployment: declarative rollouts of a ReplicaSet-managed pod template.
export const deployments: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: ALL,
  subresources: [scale(), status('Deployment')],
  openapiName: 'io.k8s.api.apps.v1.Deployment',
  hasStatus: true,
  table: deploymentTable,
  strategy: deploymentStrategy,
};
