// Built-in admission: what upstream's default plugins do before an object is stored.
// NamespaceLifecycle (no content in missing or terminating namespaces, system namespaces stay),
// ServiceAccount (pods run as "default" unless told), and Service IP/port allocation.

import type { KubeObject, ResourceType } from '../../api/types.ts';
import { StatusError, notFound, qualifiedResource } from '../../api/meta/errors.ts';
import type { RequestContext } from './registry/types.ts';
import { ServiceAllocator } from './service-alloc.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionDeps {
  /** The Namespace object, or undefined if absent. */
  getNamespace(name: string): Promise<KubeObject | undefined>;
  allocator: ServiceAllocator;
}

export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** Kinds that may be written into a terminating namespace (upstream lets events and reviews in). */
const ALLOWED_IN_TERMINATING = new Set(['Event', 'LocalSubjectAccessReview']);

function forbidden(rt: ResourceType, name: string, message: string, cause?: { reason: string; field: string }): StatusError {
  return new StatusError(403, 'Forbidden', `${qualifiedResource({ group: rt.group, resource: rt.plural })} "${name}" is forbidden: ${message}`, {
    name,
    group: rt.group || undefined,
    kind: rt.plural,
    causes: cause ? [{ reason: cause.reason, message, field: cause.field }] : undefined,
  });
}

export async function admit(
  deps: AdmissionDeps,
  op: Operation,
  rt: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
  ctx: RequestContext,
): Promise<void> {
  const name = obj.metadata?.name ?? '';
  const isNamespace = rt.group === '' && rt.plural === 'namespaces';
  if (isNamespace && op === 'DELETE' && IMMORTAL_NAMESPACES.includes(name)) {
    throw forbidden(rt, name, 'this namespace may not be deleted');
  }
  if (op === 'CREATE' && rt.namespaced) {
    const nsName = obj.metadata?.namespace ?? ctx.namespace;
    const ns = await deps.getNamespace(nsName);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, nsName);
    const terminating = !!ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating';
    if (terminating && !ALLOWED_IN_TERMINATING.has(rt.kind)) {
      throw forbidden(rt, name, `unable to create new content in namespace ${nsName} because it is being terminated`, {
        reason: 'NamespaceTerminating',
        field: 'metadata.namespace',
      });
    }
  }
  if (rt.group === '' && rt.kind === 'Pod' && op === 'CREATE') {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    if (!spec.serviceAccountName) spec.serviceAccountName = (spec.serviceAccount as string) || 'default';
    spec.serviceAccount = spec.serviceAccountName;
  }
  if (rt.group === '' && rt.kind === 'Service' && (op === 'CREATE' || op === 'UPDATE')) {
    await deps.allocator.allocate(obj, old, ctx.dryRun);
  }
  if (rt.group === '' && rt.kind === 'Service' && op === 'DELETE' && !ctx.dryRun) {
    deps.allocator.release(obj);
  }
}
