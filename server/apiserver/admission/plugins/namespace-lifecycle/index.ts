// NamespaceLifecycle: no new content in a namespace that does not exist or is being
// terminated (events and access reviews aside, as upstream), and the system namespaces
// (default, kube-system, kube-public) may not be deleted.

import { notFound } from '../../../../../api/meta/errors.ts';
import type { KubeObject } from '../../../../../api/types.ts';
import { forbidden } from '../../errors.ts';
import type { AdmissionDeps, AdmissionPlugin, Attributes } from '../../types.ts';

export const NAME = 'NamespaceLifecycle';

export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** Kinds that may be written into a terminating namespace. */
const ALLOWED_IN_TERMINATING = new Set(['Event', 'LocalSubjectAccessReview']);

const isNamespaceResource = (a: Attributes) => a.resource.group === '' && a.resource.plural === 'namespaces';

export function isTerminating(ns: KubeObject): boolean {
  return !!ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating';
}

export function namespaceLifecycle(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: NAME,
    handles: (op) => op === 'CREATE' || op === 'DELETE',
    async validate(a) {
      if (a.operation === 'DELETE') {
        if (isNamespaceResource(a) && !a.subresource && IMMORTAL_NAMESPACES.includes(a.name)) {
          throw forbidden(a, 'this namespace may not be deleted');
        }
        return;
      }
      if (!a.resource.namespaced) return;
      const ns = await deps.getObject('', 'namespaces', '', a.namespace);
      if (!ns) throw notFound({ group: '', resource: 'namespaces' }, a.namespace);
      if (isTerminating(ns) && !ALLOWED_IN_TERMINATING.has(a.resource.kind)) {
        throw forbidden(a, `unable to create new content in namespace ${a.namespace} because it is being terminated`, {
          reason: 'NamespaceTerminating',
          field: 'metadata.namespace',
        });
      }
    },
  };
}
