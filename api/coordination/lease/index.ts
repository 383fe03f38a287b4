import type { ResourceType } from '../../types.ts';
import { ALL } from '../../builtin.ts';
import { leaseTable } from './table.ts';
import { leaseStrategy } from './strategy.ts';

// Lease: a lock with a holder and a renew time (leader election, node heartbeats).
export const leases: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  verbs: ALL,
  openapiName: 'io.k8s.api.coordination.v1.Lease',
  table: leaseTable,
  strategy: leaseStrategy,
};
