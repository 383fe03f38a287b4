import type { ResourceType } from '../../types.ts';
import { ALL, boolField, proxy, status } from '../../builtin.ts';
import { nodeTable } from './table.ts';
import { nodeStrategy } from './strategy.ts';

// Node: a machine (or simulated one) that runs pods.
export const nodes: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  verbs: ALL,
  subresources: [proxy('NodeProxyOptions'), status('Node')],
  openapiName: 'io.k8s.api.core.v1.Node',
  hasStatus: true,
  fieldSelectors: {
    'spec.unschedulable': boolField('spec.unschedulable'),
  },
  table: nodeTable,
  strategy: nodeStrategy,
};
