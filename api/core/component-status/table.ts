// kubectl get componentstatuses: the Healthy condition's status, message and error.

import type { TablePrinter } from '../../types.ts';
import { col, condition, nameColumn, objName, str } from '../../meta/table-format.ts';

export const componentStatusTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Status', 'string', 'Healthy, Unhealthy or Unknown.'),
    col('Message', 'string', 'Message of the Healthy condition.'),
    col('Error', 'string', 'Error of the Healthy condition.'),
  ],
  row(obj) {
    const c = condition(obj.conditions, 'Healthy');
    const status = c === undefined ? 'Unknown' : c.status === 'True' ? 'Healthy' : 'Unhealthy';
    return [objName(obj), status, str(c?.message), str(c?.error)];
  },
};
