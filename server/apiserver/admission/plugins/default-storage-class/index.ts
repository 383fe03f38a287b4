// DefaultStorageClass: a new PersistentVolumeClaim that names no class at all (no
// spec.storageClassName, not even "", and no beta annotation) gets the default StorageClass
// (is-default-class "true"; the newest when several are). Without a default it is left alone.

import { ANN_BETA_STORAGE_CLASS, defaultClass, type PersistentVolumeClaim, type StorageClass } from '../../../../../api/core/persistent-volume/binding.ts';
import type { AdmissionDeps, AdmissionPlugin } from '../../types.ts';

export const NAME = 'DefaultStorageClass';

export function defaultStorageClass(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: NAME,
    handles: (op) => op === 'CREATE',
    async admit(a) {
      if (a.resource.group !== '' || a.resource.plural !== 'persistentvolumeclaims' || a.subresource) return;
      const claim = a.object as PersistentVolumeClaim | undefined;
      if (!claim) return;
      if ((claim.spec?.storageClassName ?? null) !== null || claim.metadata?.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined) return;
      const def = defaultClass((await deps.listObjects('storage.k8s.io', 'storageclasses', '')) as StorageClass[]);
      if (!def?.metadata?.name) return;
      claim.spec = { ...(claim.spec ?? {}), storageClassName: def.metadata.name };
    },
  };
}
