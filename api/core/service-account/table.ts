// kubectl get serviceaccounts: SECRETS counts the listed secrets.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName } from '../../meta/table-format.ts';

export const serviceAccountTable: TablePrinter = {
  columns: [nameColumn, col('Secrets', 'string', 'Number of secrets listed on the service account.'), ageColumn],
  row: (obj, now) => [objName(obj), arr(obj.secrets).length, objAge(obj, now)],
};
