// NodeRestriction: what a kubelet (system:node:<name>) may write, beyond what the Node
// authorizer lets it reach: only its own Node object and Lease, only mirror pods bound to
// itself, and only the status, deletion and eviction of pods bound to itself. Users that are
// not nodes pass untouched. Upstream's messages.

import type { KubeObject } from '../../../../../api/types.ts';
import { forbidden } from '../../errors.ts';
import type { AdmissionPlugin, Attributes } from '../../types.ts';
import { nodeNameOf } from '../../../authz/node-authorizer.ts';

export const NAME = 'NodeRestriction';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

const nodeNameOfPod = (pod: KubeObject | undefined): string | undefined => (pod?.spec as { nodeName?: string } | undefined)?.nodeName;

/** The refusal as upstream words it: `<resource> "<name>" is forbidden: <why>` (no subresource). */
function refuse(a: Attributes, why: string): never {
  throw forbidden({ ...a, subresource: '' }, why);
}

function checkPod(a: Attributes, node: string): void {
  if (a.subresource === 'status') {
    if (nodeNameOfPod(a.oldObject) !== node) refuse(a, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
    return;
  }
  if (a.subresource === 'eviction') {
    if (nodeNameOfPod(a.oldObject ?? a.object) !== node) refuse(a, `node "${node}" can only evict pods with spec.nodeName set to itself`);
    return;
  }
  if (a.subresource) return;
  if (a.operation === 'CREATE') {
    if (!a.object?.metadata?.annotations?.[MIRROR_ANNOTATION]) refuse(a, `pod does not have "${MIRROR_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
    if (nodeNameOfPod(a.object) !== node) refuse(a, `node "${node}" can only create pods with spec.nodeName set to itself`);
  } else if (a.operation === 'DELETE') {
    if (nodeNameOfPod(a.oldObject) !== node) refuse(a, `node "${node}" can only delete pods with spec.nodeName set to itself`);
  } else if (a.operation === 'UPDATE') {
    refuse(a, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
  }
}

export function nodeRestriction(): AdmissionPlugin {
  return {
    name: NAME,
    validate(a) {
      const node = nodeNameOf(a.user);
      if (!node) return;
      const rt = a.resource;
      if (rt.group === '' && rt.plural === 'pods') return checkPod(a, node);
      if (rt.group === '' && rt.plural === 'nodes') {
        const target = a.name || a.object?.metadata?.name || '';
        if (target !== node) refuse({ ...a, name: target }, `node "${node}" is not allowed to modify node "${target}"`);
        return;
      }
      if (rt.group === 'coordination.k8s.io' && rt.plural === 'leases' && a.namespace === 'kube-node-lease') {
        const target = a.name || a.object?.metadata?.name || '';
        if (target !== node) refuse({ ...a, name: target }, 'can only access node lease with the same name as the requesting node');
      }
    },
  };
}
