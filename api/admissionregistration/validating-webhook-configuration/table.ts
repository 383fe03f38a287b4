// kubectl get validatingwebhookconfigurations: how many webhooks.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName } from '../../meta/table-format.ts';

export const validatingWebhookConfigurationTable: TablePrinter = {
  columns: [nameColumn, col('Webhooks', 'integer', 'Number of webhooks in the configuration.'), ageColumn],
  row: (obj, now) => [objName(obj), arr(obj.webhooks).length, objAge(obj, now)],
};
