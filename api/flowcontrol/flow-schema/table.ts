// kubectl get flowschemas: priority level, precedence, distinguisher and MISSINGPL (the
// Dangling condition's status, "?" before the controller has looked).

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, condition, nameColumn, num, objAge, objName, rec, spec, statusOf, str } from '../../meta/table-format.ts';

export const flowSchemaTable: TablePrinter = {
  columns: [
    nameColumn,
    col('PriorityLevel', 'string', 'The priority level matching requests go to.'),
    col('MatchingPrecedence', 'string', 'Lower values are matched first.'),
    col('DistinguisherMethod', 'string', 'How requests are split into flows: ByUser, ByNamespace or none.'),
    ageColumn,
    col('MissingPL', 'string', 'Whether the priority level referenced does not exist.'),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const dm = sp.distinguisherMethod === undefined || sp.distinguisherMethod === null ? '<none>' : str(rec(sp.distinguisherMethod).type);
    const dangling = condition(statusOf(obj).conditions, 'Dangling');
    return [
      objName(obj), str(rec(sp.priorityLevelConfiguration).name), num(sp.matchingPrecedence), dm, objAge(obj, now),
      dangling ? str(dangling.status) : '?',
    ];
  },
};
