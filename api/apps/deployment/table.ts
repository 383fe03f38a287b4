// kubectl get deployments: READY as ready/desired, UP-TO-DATE, AVAILABLE, wide template summary.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, containerCells, containersColumn, imagesColumn, nameColumn, num, objAge, objName, rec, selectorString, spec, statusOf } from '../../meta/table-format.ts';

export const deploymentTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'Ready pods out of the desired replicas.'),
    col('Up-to-date', 'string', 'Pods running the latest template.'),
    col('Available', 'string', 'Pods available for at least minReadySeconds.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    col('Selector', 'string', 'Label selector of the pods the deployment manages.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const st = statusOf(obj);
    const [names, images] = containerCells(rec(rec(sp.template).spec).containers);
    return [
      objName(obj), `${num(st.readyReplicas)}/${num(sp.replicas)}`, num(st.updatedReplicas), num(st.availableReplicas),
      objAge(obj, now), names, images, selectorString(sp.selector),
    ];
  },
};
