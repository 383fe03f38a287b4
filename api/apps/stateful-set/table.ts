// kubectl get statefulsets: READY as ready/desired and the wide container summary.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, containerCells, containersColumn, imagesColumn, nameColumn, num, objAge, objName, rec, spec, statusOf } from '../../meta/table-format.ts';

export const statefulSetTable: TablePrinter = {
  columns: [nameColumn, col('Ready', 'string', 'Ready pods out of the desired replicas.'), ageColumn, containersColumn, imagesColumn],
  row(obj, now) {
    const sp = spec(obj);
    const [names, images] = containerCells(rec(rec(sp.template).spec).containers);
    return [objName(obj), `${num(statusOf(obj).readyReplicas)}/${num(sp.replicas)}`, objAge(obj, now), names, images];
  },
};
