// kubectl get quota: REQUEST and LIMIT as "resource: used/hard" lists, limits.* in LIMIT.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, statusOf, text } from '../../meta/table-format.ts';

export const resourceQuotaTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Request', 'string', 'Used and hard amounts of every resource except limits.*.'),
    col('Limit', 'string', 'Used and hard amounts of the limits.* resources.'),
    ageColumn,
  ],
  row(obj, now) {
    const hard = rec(statusOf(obj).hard);
    const used = rec(statusOf(obj).used);
    const request: string[] = [];
    const limit: string[] = [];
    for (const r of Object.keys(hard).sort()) {
      const entry = `${r}: ${text(used[r]) || '0'}/${text(hard[r]) || '0'}`;
      const pieces = r.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(entry);
    }
    return [objName(obj), request.join(', '), limit.join(', '), objAge(obj, now)];
  },
};
