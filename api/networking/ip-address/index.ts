import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { ipAddressTable } from './table.ts';
import { ipAddressStrategy } from './strategy.ts';

// IPAddress: one allocated Service IP (GA in 1.33).
export const ipAddresses: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IPAddress',
  plural: 'ipaddresses',
  singular: 'ipaddress',
  namespaced: false,
  shortNames: ['ip'],
  verbs: ALL,
  openapiName: 'io.k8s.api.networking.v1.IPAddress',
  table: ipAddressTable,
  strategy: ipAddressStrategy,
};
