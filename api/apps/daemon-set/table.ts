// kubectl get daemonsets: scheduling counts, node selector and the wide template summary.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, containerCells, containersColumn, formatLabelSelector, formatLabels, imagesColumn, nameColumn, num, objAge, objName, rec, spec, statusOf } from '../../meta/table-format.ts';

export const daemonSetTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Nodes running at least one daemon pod that should.'),
    col('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Nodes running the latest template.'),
    col('Available', 'integer', 'Nodes whose daemon pod is available.'),
    col('Node Selector', 'string', 'Node labels the daemon pods are restricted to.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    col('Selector', 'string', 'Label selector of the daemon pods.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const st = statusOf(obj);
    const podSpec = rec(rec(sp.template).spec);
    const [names, images] = containerCells(podSpec.containers);
    return [
      objName(obj), num(st.desiredNumberScheduled), num(st.currentNumberScheduled), num(st.numberReady),
      num(st.updatedNumberScheduled), num(st.numberAvailable), formatLabels(podSpec.nodeSelector), objAge(obj, now),
      names, images, formatLabelSelector(sp.selector),
    ];
  },
};
