// kubectl get pvc: phase, bound volume, capacity and access modes once bound, classes.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, spec, statusOf, str, text } from '../../meta/table-format.ts';
import { accessModes, storageClassOf, terminatingOr } from '../persistent-volume/table.ts';

export const persistentVolumeClaimTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Status', 'string', 'The phase of the claim.'),
    col('Volume', 'string', 'The volume bound to the claim.'),
    col('Capacity', 'string', 'Capacity of the bound volume.'),
    col('Access Modes', 'string', 'Access modes of the bound volume.'),
    col('StorageClass', 'string', 'The storage class requested by the claim.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class requested by the claim.'),
    ageColumn,
    col('VolumeMode', 'string', 'Filesystem or Block.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const st = statusOf(obj);
    const volume = str(sp.volumeName);
    const bound = volume !== '';
    return [
      objName(obj), terminatingOr(obj, str(st.phase)), volume,
      bound ? text(rec(st.capacity).storage) || '0' : '', bound ? accessModes(st.accessModes) : '',
      storageClassOf(obj), str(sp.volumeAttributesClassName) || '<unset>', objAge(obj, now), str(sp.volumeMode) || '<unset>',
    ];
  },
};
