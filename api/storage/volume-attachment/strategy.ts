// VolumeAttachment strategy: an attacher (CSI driver name), exactly one source (a PV name or an
// inline PV spec, which gets the PV defaults) and a node name; the spec never changes. Status
// starts empty and is the attacher's to write.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { invalidGo, isDNS1123Subdomain, semanticEqual } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateCSIDriverName } from '../csi.ts';

interface Spec {
  attacher?: string;
  nodeName?: string;
  source?: { persistentVolumeName?: string; inlineVolumeSpec?: { persistentVolumeReclaimPolicy?: string; volumeMode?: string } };
}
type Attachment = KubeObject & { spec?: Spec };

function validateSpec(s: Spec): FieldError[] {
  const errs = validateCSIDriverName(s.attacher, 'spec.attacher');
  const src = s.source ?? {};
  const hasPV = src.persistentVolumeName !== undefined && src.persistentVolumeName !== null;
  const hasInline = src.inlineVolumeSpec !== undefined && src.inlineVolumeSpec !== null;
  if (!hasPV && !hasInline) errs.push(fieldError.required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (hasPV && hasInline) errs.push(fieldError.forbidden('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (hasPV && !src.persistentVolumeName) errs.push(fieldError.required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  else if (hasPV) for (const m of isDNS1123Subdomain(src.persistentVolumeName!)) errs.push(fieldError.invalid('spec.source.persistentVolumeName', src.persistentVolumeName, m));
  const node = s.nodeName ?? '';
  for (const m of isDNS1123Subdomain(node)) errs.push(fieldError.invalid('spec.nodeName', node, m));
  return errs;
}

export const volumeAttachmentStrategy = simpleStrategy<Attachment>({
  returnDeletedObject: true,
  namespaced: false,
  initialStatus: () => ({ attached: false }),
  defaults: (va) => {
    const inline = va.spec?.source?.inlineVolumeSpec;
    if (inline) {
      inline.persistentVolumeReclaimPolicy ??= 'Retain';
      inline.volumeMode ??= 'Filesystem';
    }
  },
  validate: (va) => validateSpec(va.spec ?? {}),
  validateUpdate: (va, old) => (semanticEqual(va.spec, old.spec) ? [] : [invalidGo('spec', va.spec, 'field is immutable')]),
});
