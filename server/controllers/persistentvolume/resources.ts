// The resources the volume controllers, the provisioner and the protection controllers use.

import { mustResource } from '../node-lifecycle/resources.ts';

export const PVS = mustResource('', 'v1', 'persistentvolumes');
export const PVCS_R = mustResource('', 'v1', 'persistentvolumeclaims');
export const STORAGE_CLASSES = mustResource('storage.k8s.io', 'v1', 'storageclasses');
