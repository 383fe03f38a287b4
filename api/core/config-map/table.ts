// kubectl get configmaps: DATA counts data and binaryData keys.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec } from '../../meta/table-format.ts';

export const configMapTable: TablePrinter = {
  columns: [nameColumn, col('Data', 'string', 'Number of keys in data and binaryData.'), ageColumn],
  row: (obj, now) => [
    objName(obj),
    Object.keys(rec(obj.data)).length + Object.keys(rec(obj.binaryData)).length,
    objAge(obj, now),
  ],
};
