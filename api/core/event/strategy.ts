// core/v1 Event strategy: events live in the namespace of what they are about.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface CoreEvent extends KubeObject {
  involvedObject?: { kind?: string; namespace?: string; name?: string };
  type?: string;
  count?: number;
}

const CLUSTER_KINDS = ['Node', 'Namespace', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CertificateSigningRequest'];

export function validateCoreEvent(e: CoreEvent): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.metadata?.namespace ?? '';
  const io = e.involvedObject ?? {};
  if (io.namespace && io.namespace !== ns && !CLUSTER_KINDS.includes(io.kind ?? '')) {
    errs.push(fieldError.invalid('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
  }
  if (e.count !== undefined && e.count < 0) errs.push(fieldError.invalid('count', e.count, 'must be greater than or equal to 0'));
  return errs;
}

export const coreEventStrategy = simpleStrategy<CoreEvent>({
  namespaced: true,
  validate: validateCoreEvent,
});
