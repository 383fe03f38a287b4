// kubectl get csistoragecapacities: storage class and capacity (no age column upstream).

import type { TablePrinter } from '../../types.ts';
import { col, nameColumn, objName, str, text } from '../../meta/table-format.ts';

export const csiStorageCapacityTable: TablePrinter = {
  columns: [
    nameColumn,
    col('StorageClassName', 'string', 'The storage class the capacity is for.'),
    col('Capacity', 'string', 'Capacity available for new volumes.'),
  ],
  row: (obj) => [objName(obj), str(obj.storageClassName), text(obj.capacity) || '<unset>'],
};
