// StorageObjectInUseProtection: every new PersistentVolume gets kubernetes.io/pv-protection and
// every new PersistentVolumeClaim kubernetes.io/pvc-protection, so neither is removed while in
// use (the protection controllers take the finalizers off once it is safe).

import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../../../../../api/core/persistent-volume/binding.ts';
import type { AdmissionPlugin } from '../../types.ts';

export const NAME = 'StorageObjectInUseProtection';

const FINALIZERS: Record<string, string> = { persistentvolumes: PV_PROTECTION_FINALIZER, persistentvolumeclaims: PVC_PROTECTION_FINALIZER };

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: NAME,
    handles: (op) => op === 'CREATE',
    admit(a) {
      const finalizer = a.resource.group === '' && !a.subresource ? FINALIZERS[a.resource.plural] : undefined;
      if (!finalizer || !a.object) return;
      const meta = (a.object.metadata ??= {});
      if (!(meta.finalizers ?? []).includes(finalizer)) meta.finalizers = [...(meta.finalizers ?? []), finalizer];
    },
  };
}
