import type { ResourceType } from '../../types.ts';
import { componentStatusTable } from './table.ts';

// ComponentStatus: health of control-plane components (deprecated upstream, read-only).
export const componentStatuses: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ComponentStatus',
  plural: 'componentstatuses',
  singular: 'componentstatus',
  namespaced: false,
  shortNames: ['cs'],
  verbs: ['get', 'list'],
  openapiName: 'io.k8s.api.core.v1.ComponentStatus',
  table: componentStatusTable,
};
