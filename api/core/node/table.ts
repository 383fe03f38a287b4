// kubectl get nodes: STATUS from the Ready condition (plus SchedulingDisabled), ROLES from
// node-role labels, VERSION of the kubelet, and the wide addresses and system info.

import type { KubeObject, TablePrinter } from '../../types.ts';
import { ageColumn, col, condition, nameColumn, objAge, objName, rec, recs, spec, statusOf, str } from '../../meta/table-format.ts';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export function nodeStatus(node: KubeObject): string {
  const ready = condition(statusOf(node).conditions, 'Ready');
  const parts = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (spec(node).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === ROLE_LABEL && v !== '') roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

function address(node: KubeObject, type: string): string {
  return str(recs(statusOf(node).addresses).find((a) => a.type === type)?.address) || '<none>';
}

export const nodeTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Status', 'string', 'Whether the node is Ready, and whether scheduling onto it is disabled.'),
    col('Roles', 'string', 'Roles from node-role.kubernetes.io/<role> labels.'),
    ageColumn,
    col('Version', 'string', 'Version of the kubelet.'),
    col('Internal-IP', 'string', 'The first InternalIP address of the node.', true),
    col('External-IP', 'string', 'The first ExternalIP address of the node.', true),
    col('OS-Image', 'string', 'Operating system image reported by the kubelet.', true),
    col('Kernel-Version', 'string', 'Kernel version reported by the kubelet.', true),
    col('Container-Runtime', 'string', 'Container runtime name and version.', true),
  ],
  row(node, now) {
    const info = rec(statusOf(node).nodeInfo);
    const known = (v: unknown) => str(v) || '<unknown>';
    return [
      objName(node), nodeStatus(node), nodeRoles(node), objAge(node, now), str(info.kubeletVersion),
      address(node, 'InternalIP'), address(node, 'ExternalIP'),
      known(info.osImage), known(info.kernelVersion), known(info.containerRuntimeVersion),
    ];
  },
};
