// kubectl get secrets: TYPE and the number of DATA keys.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, str } from '../../meta/table-format.ts';

export const secretTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Type', 'string', 'The kind of secret, e.g. Opaque or kubernetes.io/tls.'),
    col('Data', 'string', 'Number of keys in data.'),
    ageColumn,
  ],
  row: (obj, now) => [objName(obj), str(obj.type), Object.keys(rec(obj.data)).length, objAge(obj, now)],
};
