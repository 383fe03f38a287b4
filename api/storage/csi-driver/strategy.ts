// CSIDriver strategy: upstream's v1 defaults (attachRequired true; podInfoOnMount,
// storageCapacity, requiresRepublish and seLinuxMount false; fsGroupPolicy
// ReadWriteOnceWithFSType; volumeLifecycleModes [Persistent]); attachRequired and
// volumeLifecycleModes never change.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateEnum, validateImmutable } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { csiDriverNameProblems } from '../csi.ts';

interface Spec {
  attachRequired?: boolean;
  podInfoOnMount?: boolean;
  storageCapacity?: boolean;
  requiresRepublish?: boolean;
  seLinuxMount?: boolean;
  fsGroupPolicy?: string;
  volumeLifecycleModes?: string[];
  tokenRequests?: { audience?: string; expirationSeconds?: number }[];
}
type CSIDriver = KubeObject & { spec?: Spec };

function validateSpec(s: Spec): FieldError[] {
  const errs: FieldError[] = [];
  // Upstream's paths, "attachedRequired" included.
  if (s.attachRequired === undefined || s.attachRequired === null) errs.push(fieldError.required('spec.attachedRequired'));
  if (s.podInfoOnMount === undefined || s.podInfoOnMount === null) errs.push(fieldError.required('spec.podInfoOnMount'));
  if (s.storageCapacity === undefined || s.storageCapacity === null) errs.push(fieldError.required('spec.storageCapacity'));
  errs.push(...validateEnum(s.fsGroupPolicy, ['File', 'None', 'ReadWriteOnceWithFSType'], 'spec.fsGroupPolicy'));
  (s.volumeLifecycleModes ?? []).forEach((m, i) => errs.push(...validateEnum(m, ['Ephemeral', 'Persistent'], `spec.volumeLifecycleModes[${i}]`, true)));
  const audiences = new Set<string>();
  (s.tokenRequests ?? []).forEach((t, i) => {
    const p = `spec.tokenRequests[${i}]`;
    const a = t.audience ?? '';
    if (audiences.has(a)) errs.push(fieldError.duplicate(`${p}.audience`, a));
    audiences.add(a);
    const e = t.expirationSeconds;
    if (e !== undefined && e !== null) {
      if (e < 600) errs.push(fieldError.invalid(`${p}.expirationSeconds`, e, 'may not specify a duration less than 10 minutes'));
      if (e > 2 ** 32) errs.push(fieldError.invalid(`${p}.expirationSeconds`, e, 'may not specify a duration larger than 2^32 seconds'));
    }
  });
  return errs;
}

export const csiDriverStrategy = simpleStrategy<CSIDriver>({
  returnDeletedObject: true,
  namespaced: false,
  nameRule: (name, prefix) => (prefix ? [] : csiDriverNameProblems(name)),
  defaults: (d) => {
    const s = (d.spec ??= {});
    s.attachRequired ??= true;
    s.podInfoOnMount ??= false;
    s.storageCapacity ??= false;
    s.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
    if (!s.volumeLifecycleModes?.length) s.volumeLifecycleModes = ['Persistent'];
    s.requiresRepublish ??= false;
    s.seLinuxMount ??= false;
  },
  validate: (d) => validateSpec(d.spec ?? {}),
  validateUpdate: (d, old) => [
    ...validateImmutable(d.spec?.attachRequired, old.spec?.attachRequired, 'spec.attachedRequired'),
    ...validateImmutable(d.spec?.volumeLifecycleModes, old.spec?.volumeLifecycleModes, 'spec.volumeLifecycleModes'),
  ],
});
