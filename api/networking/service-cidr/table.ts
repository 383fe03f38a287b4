// kubectl get servicecidrs: the CIDRs, comma-joined.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName, spec, str } from '../../meta/table-format.ts';

export const serviceCIDRTable: TablePrinter = {
  columns: [nameColumn, col('CIDRs', 'string', 'The ranges Service IPs are allocated from.'), ageColumn],
  row: (obj, now) => [objName(obj), arr(spec(obj).cidrs).map(str).join(','), objAge(obj, now)],
};
