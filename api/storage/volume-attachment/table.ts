// kubectl get volumeattachments: attacher, PV, node and whether it is attached.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, spec, statusOf, str } from '../../meta/table-format.ts';

export const volumeAttachmentTable: TablePrinter = {
  columns: [
    nameColumn,
    { ...col('Attacher', 'string', 'The volume driver that attaches the volume.'), format: 'name' },
    col('PV', 'string', 'The persistent volume to attach.'),
    col('Node', 'string', 'The node to attach it to.'),
    col('Attached', 'boolean', 'Whether the volume is attached.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    return [objName(obj), str(sp.attacher), str(rec(sp.source).persistentVolumeName), str(sp.nodeName), statusOf(obj).attached === true, objAge(obj, now)];
  },
};
