import type { ResourceType } from '../../types.ts';
import { ALL, CREATE_ONLY } from '../../builtin.ts';
import { serviceAccountTable } from './table.ts';
import { serviceAccountStrategy } from './strategy.ts';

// ServiceAccount: an identity for processes that run in pods.
export const serviceAccounts: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  verbs: ALL,
  subresources: [
    { name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: CREATE_ONLY },
  ],
  openapiName: 'io.k8s.api.core.v1.ServiceAccount',
  table: serviceAccountTable,
  strategy: serviceAccountStrategy,
};
