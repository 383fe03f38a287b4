// kubectl get pv: capacity, access modes, reclaim policy, phase, claim and classes.

import type { KubeObject, TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName, rec, spec, statusOf, str, text } from '../../meta/table-format.ts';

const STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const MODES: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

/** Access modes in their short forms, in a fixed order: "RWO,ROX". */
export function accessModes(modes: unknown): string {
  const have = new Set(arr(modes).map(str));
  return MODES.filter(([m]) => have.has(m)).map(([, s]) => s).join(',');
}

/** The storage class, the legacy annotation winning over the field. */
export function storageClassOf(obj: KubeObject): string {
  const a = obj.metadata?.annotations?.[STORAGE_CLASS_ANNOTATION];
  return a !== undefined ? a : str(spec(obj).storageClassName);
}

export function terminatingOr(obj: KubeObject, phase: string): string {
  return obj.metadata?.deletionTimestamp ? 'Terminating' : phase;
}

export const persistentVolumeTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Capacity', 'string', 'Storage capacity of the volume.'),
    col('Access Modes', 'string', 'How the volume may be mounted: RWO, ROX, RWX, RWOP.'),
    col('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    col('Status', 'string', 'The phase of the volume.'),
    col('Claim', 'string', 'The claim bound to the volume, as namespace/name.'),
    col('StorageClass', 'string', 'The storage class of the volume.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class of the volume.'),
    col('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn,
    col('VolumeMode', 'string', 'Filesystem or Block.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const st = statusOf(obj);
    const claim = sp.claimRef ? `${str(rec(sp.claimRef).namespace)}/${str(rec(sp.claimRef).name)}` : '';
    return [
      objName(obj), text(rec(sp.capacity).storage) || '0', accessModes(sp.accessModes), str(sp.persistentVolumeReclaimPolicy),
      terminatingOr(obj, str(st.phase)), claim, storageClassOf(obj), str(sp.volumeAttributesClassName) || '<unset>',
      str(st.reason), objAge(obj, now), str(sp.volumeMode) || '<unset>',
    ];
  },
};
