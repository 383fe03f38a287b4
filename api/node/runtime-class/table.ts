// kubectl get runtimeclasses: the CRI handler.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, str } from '../../meta/table-format.ts';

export const runtimeClassTable: TablePrinter = {
  columns: [nameColumn, col('Handler', 'string', 'The CRI runtime handler pods of the class run with.'), ageColumn],
  row: (obj, now) => [objName(obj), str(obj.handler), objAge(obj, now)],
};
