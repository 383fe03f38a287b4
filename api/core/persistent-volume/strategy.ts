// PersistentVolume strategy: capacity, access modes and exactly one volume source; reclaim
// policy Retain and volume mode Filesystem by default; phase Pending on create.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { semanticEqual, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { parseQuantity, QUANTITY_ERROR } from '../pod/quantity.ts';
import { validateAccessModes } from '../persistent-volume-claim/strategy.ts';

interface PV extends KubeObject {
  spec?: Record<string, unknown> & { capacity?: Record<string, string>; accessModes?: string[]; persistentVolumeReclaimPolicy?: string; volumeMode?: string };
}

const SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
];

export function validatePV(pv: PV): FieldError[] {
  const spec = pv.spec ?? {};
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const storage = spec.capacity?.storage;
  if (storage === undefined) errs.push(fieldError.required('spec.capacity'));
  else if (parseQuantity(storage) === undefined) errs.push(fieldError.invalid('spec.capacity[storage]', storage, QUANTITY_ERROR));
  const sources = SOURCES.filter((s) => spec[s] !== undefined && spec[s] !== null);
  if (sources.length === 0) errs.push(fieldError.required('spec', 'must specify a volume type'));
  for (const s of sources.slice(1)) errs.push(fieldError.forbidden(`spec.${s}`, 'may not specify more than 1 volume type'));
  if (sources[0] === 'local' && !spec.nodeAffinity) errs.push(fieldError.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  errs.push(...validateEnum(spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain'], 'spec.persistentVolumeReclaimPolicy'));
  errs.push(...validateEnum(spec.volumeMode, ['Block', 'Filesystem'], 'spec.volumeMode'));
  return errs;
}

export const persistentVolumeStrategy = simpleStrategy<PV>({
  returnDeletedObject: true,
  namespaced: false,
  defaults: (pv) => {
    pv.spec ??= {};
    pv.spec.persistentVolumeReclaimPolicy ??= 'Retain';
    pv.spec.volumeMode ??= 'Filesystem';
  },
  initialStatus: () => ({ phase: 'Pending' }),
  validate: validatePV,
  validateUpdate: (pv, old) => {
    const source = (x: PV) => SOURCES.map((s) => x.spec?.[s]);
    return semanticEqual(source(pv), source(old)) ? [] : [fieldError.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is forbidden.')];
  },
});
