// kubectl get rc: the replica set columns, with the selector as a plain label map.

import type { TablePrinter } from '../../types.ts';
import { formatLabels } from '../../meta/table-format.ts';
import { replicaTable } from '../../apps/replica-set/table.ts';

export const replicationControllerTable: TablePrinter = replicaTable(formatLabels, 'Labels of the pods the controller owns.');
