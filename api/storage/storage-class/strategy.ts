// StorageClass strategy: a provisioner, reclaimPolicy Delete and volumeBindingMode
// Immediate by default; provisioner, parameters, reclaim policy and binding mode are fixed.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isQualifiedName, semanticEqual, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type StorageClass = KubeObject & {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
};

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  if (!sc.provisioner) errs.push(fieldError.required('provisioner'));
  else for (const m of isQualifiedName(sc.provisioner.toLowerCase())) errs.push(fieldError.invalid('provisioner', sc.provisioner, m));
  errs.push(...validateEnum(sc.reclaimPolicy, ['Delete', 'Retain'], 'reclaimPolicy'));
  errs.push(...validateEnum(sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer'], 'volumeBindingMode', true));
  return errs;
}

export const storageClassStrategy = simpleStrategy<StorageClass>({
  returnDeletedObject: true,
  namespaced: false,
  defaults: (sc) => {
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate: (sc, old) => {
    const errs: FieldError[] = [];
    if (!semanticEqual(sc.parameters, old.parameters)) errs.push(fieldError.forbidden('parameters', 'updates to parameters are forbidden.'));
    if (sc.provisioner !== old.provisioner) errs.push(fieldError.forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(fieldError.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    if (sc.volumeBindingMode !== old.volumeBindingMode) errs.push(fieldError.invalid('volumeBindingMode', sc.volumeBindingMode ?? '', 'field is immutable'));
    return errs;
  },
});
