// Resources these controllers read that common/resources.ts does not list.

import type { ResourceType } from '../../../api/types.ts';
import { registry } from '../common/resources.ts';

function must(group: string, version: string, plural: string): ResourceType {
  const rt = registry.get(group, version, plural);
  if (!rt) throw new Error(`resource ${group}/${version}/${plural} is not registered`);
  return rt;
}

export const NODES = must('', 'v1', 'nodes');
export const LEASES = must('coordination.k8s.io', 'v1', 'leases');
export const PVCS = must('', 'v1', 'persistentvolumeclaims');
export const PDBS = must('policy', 'v1', 'poddisruptionbudgets');
export const QUOTAS = must('', 'v1', 'resourcequotas');

/** Where kubelets keep their heartbeat Leases, one per node, named after it. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export { must as mustResource };
