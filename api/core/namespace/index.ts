import type { ResourceType } from '../../types.ts';
import { ALL_BUT_DELETECOLLECTION, status, strField } from '../../builtin.ts';
import { namespaceTable } from './table.ts';
import { namespaceStrategy } from './strategy.ts';

// Namespace: a scope for names and for policy.
export const namespaces: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ALL_BUT_DELETECOLLECTION,
  subresources: [
    { name: 'finalize', kind: 'Namespace', verbs: ['update'] },
    status('Namespace'),
  ],
  openapiName: 'io.k8s.api.core.v1.Namespace',
  hasStatus: true,
  fieldSelectors: {
    'status.phase': strField('status.phase'),
  },
  table: namespaceTable,
  strategy: namespaceStrategy,
};
