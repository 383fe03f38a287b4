import type { ResourceType } from '../../types.ts';
import { ALL, strField } from '../../builtin.ts';
import { secretTable } from './table.ts';
import { secretStrategy } from './strategy.ts';

// Secret: sensitive data (tokens, keys, passwords) for pods.
export const secrets: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.core.v1.Secret',
  fieldSelectors: {
    type: strField('type'),
  },
  table: secretTable,
  strategy: secretStrategy,
};
