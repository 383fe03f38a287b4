// kubectl get priorityclasses: value, global default and (wide column, always sent) preemption.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, num, objAge, objName, str } from '../../meta/table-format.ts';

export const priorityClassTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Value', 'integer', 'The priority pods of the class get.'),
    col('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    ageColumn,
    col('PreemptionPolicy', 'string', 'Whether pods of the class may preempt others.'),
  ],
  row: (obj, now) => [objName(obj), num(obj.value), obj.globalDefault === true, objAge(obj, now), str(obj.preemptionPolicy)],
};
