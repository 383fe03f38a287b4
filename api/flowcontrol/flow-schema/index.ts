import type { ResourceType } from '../../types.ts';
import { ALL, status } from '../../builtin.ts';
import { flowSchemaTable } from './table.ts';
import { flowSchemaStrategy } from './strategy.ts';

// FlowSchema: classifies requests into priority levels.
export const flowSchemas: ResourceType = {
  group: 'flowcontrol.apiserver.k8s.io',
  version: 'v1',
  kind: 'FlowSchema',
  plural: 'flowschemas',
  singular: 'flowschema',
  namespaced: false,
  verbs: ALL,
  subresources: [status('FlowSchema')],
  openapiName: 'io.k8s.api.flowcontrol.v1.FlowSchema',
  hasStatus: true,
  table: flowSchemaTable,
  strategy: flowSchemaStrategy,
};
