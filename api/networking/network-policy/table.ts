// kubectl get networkpolicies: the pod selector.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, formatLabelSelector, nameColumn, objAge, objName, spec } from '../../meta/table-format.ts';

export const networkPolicyTable: TablePrinter = {
  columns: [nameColumn, col('Pod-Selector', 'string', 'The pods the policy applies to.'), ageColumn],
  row: (obj, now) => [objName(obj), formatLabelSelector(spec(obj).podSelector), objAge(obj, now)],
};
