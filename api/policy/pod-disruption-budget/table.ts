// kubectl get pdb: MIN AVAILABLE, MAX UNAVAILABLE (N/A when unset), ALLOWED DISRUPTIONS.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, num, objAge, objName, spec, statusOf, text } from '../../meta/table-format.ts';

export const podDisruptionBudgetTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Min Available', 'string', 'Pods that must stay available.'),
    col('Max Unavailable', 'string', 'Pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Pods that may be disrupted right now.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    const orNA = (v: unknown) => (v === undefined || v === null ? 'N/A' : text(v));
    return [objName(obj), orNA(sp.minAvailable), orNA(sp.maxUnavailable), num(statusOf(obj).disruptionsAllowed), objAge(obj, now)];
  },
};
