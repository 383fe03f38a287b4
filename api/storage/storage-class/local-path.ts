// The default StorageClass kubets creates at start-up, as k3s ships it: `local-path`, served by
// the in-process rancher.io/local-path provisioner, late binding, volumes deleted with claims.

import type { StorageClass } from '../../core/persistent-volume/binding.ts';
import { ANN_DEFAULT_CLASS } from '../../core/persistent-volume/binding.ts';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_CLASS = 'local-path';

export function localPathStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_CLASS, annotations: { [ANN_DEFAULT_CLASS]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
