// kubectl get replicasets (and replicationcontrollers): DESIRED, CURRENT, READY and the wide
// template summary. The two kinds differ only in how their selector prints.

import type { KubeObject, TablePrinter } from '../../types.ts';
import { ageColumn, col, containerCells, containersColumn, formatLabelSelector, imagesColumn, nameColumn, num, objAge, objName, rec, spec, statusOf } from '../../meta/table-format.ts';

export function replicaTable(selectorCell: (selector: unknown) => string, selectorDescription: string): TablePrinter {
  return {
    columns: [
      nameColumn,
      col('Desired', 'integer', 'Replicas wanted (spec.replicas).'),
      col('Current', 'integer', 'Replicas that exist (status.replicas).'),
      col('Ready', 'integer', 'Replicas that are ready.'),
      ageColumn,
      containersColumn,
      imagesColumn,
      col('Selector', 'string', selectorDescription, true),
    ],
    row(obj: KubeObject, now: Date) {
      const sp = spec(obj);
      const st = statusOf(obj);
      const [names, images] = containerCells(rec(rec(sp.template).spec).containers);
      return [objName(obj), num(sp.replicas), num(st.replicas), num(st.readyReplicas), objAge(obj, now), names, images, selectorCell(sp.selector)];
    },
  };
}

export const replicaSetTable: TablePrinter = replicaTable(formatLabelSelector, 'Label selector of the pods the replica set owns.');
