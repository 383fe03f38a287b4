// kubectl get replicasets: DESIRED, CURRENT, READY and the wide template summary.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, containerCells, containersColumn, formatLabelSelector, imagesColumn, nameColumn, num, objAge, objName, rec, spec, statusOf } from '../../meta/table-format.ts';

export const replicaSetTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Desired', 'integer', 'Replicas wanted (spec.replicas).'),
    col('Current', 'integer', 'Replicas that exist (status.replicas).'),
    col('Ready', 'integer', 'Replicas that are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    col('Selector', 'string', 'Label selector of the pods the replica set owns.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const st = statusOf(obj);
    const [names, images] = containerCells(rec(rec(sp.template).spec).containers);
    return [objName(obj), num(sp.replicas), num(st.replicas), num(st.readyReplicas), objAge(obj, now), names, images, formatLabelSelector(sp.selector)];
  },
};
