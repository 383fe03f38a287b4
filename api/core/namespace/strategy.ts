// Namespace strategy: DNS-1123 label names, the kubernetes.io/metadata.name label, the
// "kubernetes" finalizer, phase Active on create; finalizers change only via /finalize.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isQualifiedName } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject, Strategy } from '../../types.ts';

interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; [k: string]: unknown };
}

export const NAME_LABEL = 'kubernetes.io/metadata.name';

export function defaultNamespace(ns: Namespace): void {
  ns.spec ??= {};
  ns.spec.finalizers ??= ['kubernetes'];
  if (ns.metadata?.name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [NAME_LABEL]: ns.metadata.name };
}

export function validateFinalizerNames(finalizers: string[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) {
    for (const m of isQualifiedName(f)) errs.push(fieldError.invalid(field, f, m));
    if (!f.includes('/') && f !== 'kubernetes') {
      errs.push(fieldError.invalid(field, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

const baseNamespaceStrategy = simpleStrategy<Namespace>({
  namespaced: false,
  nameRule: 'label',
  defaults: defaultNamespace,
  initialStatus: () => ({ phase: 'Active' }),
  validate: (ns) => {
    const errs = validateFinalizerNames(ns.spec?.finalizers, 'spec.finalizers');
    if (ns.status?.phase && !['Active', 'Terminating'].includes(ns.status.phase)) {
      errs.push(fieldError.notSupported('status.phase', ns.status.phase, ['Active', 'Terminating']));
    }
    return errs;
  },
  prepareForUpdate: (ns, old) => {
    ns.spec = { ...(ns.spec ?? {}), finalizers: old.spec?.finalizers };
  },
});

/** A Namespace is deleted in two steps: marked Terminating, then gone once spec.finalizers is empty. */
export const namespaceStrategy: Strategy = {
  ...baseNamespaceStrategy,
  returnDeletedObject: true,
  deletionPending: (ns) => ((ns as Namespace).spec?.finalizers?.length ?? 0) > 0,
  prepareForDeletion: (ns) => {
    const n = ns as Namespace;
    n.status = { ...(n.status ?? {}), phase: 'Terminating' };
  },
};
