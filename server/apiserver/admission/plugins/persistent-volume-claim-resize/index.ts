// PersistentVolumeClaimResize: a claim whose storage request grows must be Bound, and its
// class (the same before and after) must say `allowVolumeExpansion: true`; otherwise 403 with
// upstream's words. Shrinking is the claim's validation's business (422), not this plugin's.

import { claimClass, type PersistentVolumeClaim, type StorageClass } from '../../../../../api/core/persistent-volume/binding.ts';
import { parseQuantity } from '../../../../../api/core/pod/quantity.ts';
import { forbidden } from '../../errors.ts';
import type { AdmissionDeps, AdmissionPlugin } from '../../types.ts';

export const NAME = 'PersistentVolumeClaimResize';
export const NOT_BOUND = 'Only bound persistent volume claims can be expanded';
export const NOT_EXPANDABLE = 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';

const storage = (c: PersistentVolumeClaim | undefined) => parseQuantity(c?.spec?.resources?.requests?.storage) ?? 0;

export function persistentVolumeClaimResize(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: NAME,
    handles: (op) => op === 'UPDATE',
    async validate(a) {
      if (a.resource.group !== '' || a.resource.plural !== 'persistentvolumeclaims' || a.subresource) return;
      const claim = a.object as PersistentVolumeClaim | undefined;
      const old = a.oldObject as PersistentVolumeClaim | undefined;
      if (!claim || !old || storage(claim) <= storage(old)) return;
      if (old.status?.phase !== 'Bound') throw forbidden(a, NOT_BOUND);
      const name = claimClass(claim);
      if (!name || name !== claimClass(old)) throw forbidden(a, NOT_EXPANDABLE);
      const sc = (await deps.getObject('storage.k8s.io', 'storageclasses', '', name)) as StorageClass | undefined;
      if (sc?.allowVolumeExpansion !== true) throw forbidden(a, NOT_EXPANDABLE);
    },
  };
}
