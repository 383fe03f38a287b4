// kubectl get csinodes: how many CSI drivers the node has registered.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName, spec } from '../../meta/table-format.ts';

export const csiNodeTable: TablePrinter = {
  columns: [nameColumn, col('Drivers', 'integer', 'Number of CSI drivers registered on the node.'), ageColumn],
  row: (obj, now) => [objName(obj), arr(spec(obj).drivers).length, objAge(obj, now)],
};
