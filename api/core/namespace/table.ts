// kubectl get namespaces: STATUS is the phase (Active, Terminating).

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, statusOf, str } from '../../meta/table-format.ts';

export const namespaceTable: TablePrinter = {
  columns: [nameColumn, col('Status', 'string', 'The phase of the namespace: Active or Terminating.'), ageColumn],
  row: (obj, now) => [objName(obj), str(statusOf(obj).phase), objAge(obj, now)],
};
