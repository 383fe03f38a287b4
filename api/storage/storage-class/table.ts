// kubectl get storageclasses: "(default)" after the default class's name, and its policies.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, str } from '../../meta/table-format.ts';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const storageClassTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Provisioner', 'string', 'The volume plugin or CSI driver that provisions volumes of the class.'),
    col('ReclaimPolicy', 'string', 'What happens to provisioned volumes when released.'),
    col('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    col('AllowVolumeExpansion', 'string', 'Whether volumes of the class may grow.'),
    ageColumn,
  ],
  row(obj, now) {
    const annotations = obj.metadata?.annotations ?? {};
    const isDefault = DEFAULT_ANNOTATIONS.some((a) => annotations[a] === 'true');
    return [
      isDefault ? `${objName(obj)} (default)` : objName(obj), str(obj.provisioner), str(obj.reclaimPolicy) || 'Delete',
      str(obj.volumeBindingMode) || 'Immediate', obj.allowVolumeExpansion === true, objAge(obj, now),
    ];
  },
};
