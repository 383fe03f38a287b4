import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { networkPolicyTable } from './table.ts';
import { networkPolicyStrategy } from './strategy.ts';

// NetworkPolicy: which traffic may reach or leave selected pods.
export const networkPolicies: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  verbs: ALL,
  openapiName: 'io.k8s.api.networking.v1.NetworkPolicy',
  table: networkPolicyTable,
  strategy: networkPolicyStrategy,
};
