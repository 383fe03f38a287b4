// kubectl get leases: the holder.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, spec, str } from '../../meta/table-format.ts';

export const leaseTable: TablePrinter = {
  columns: [nameColumn, col('Holder', 'string', 'Who holds the lease.'), ageColumn],
  row: (obj, now) => [objName(obj), str(spec(obj).holderIdentity), objAge(obj, now)],
};
