import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { podTemplateTable } from './table.ts';
import { podTemplateStrategy } from './strategy.ts';

// PodTemplate: a stored pod template.
export const podTemplates: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.core.v1.PodTemplate',
  table: podTemplateTable,
  strategy: podTemplateStrategy,
};
