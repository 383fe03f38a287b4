// kubectl get rolebindings.

import type { TablePrinter } from '../../types.ts';
import { bindingCells, bindingColumns } from './subjects.ts';

export const roleBindingTable: TablePrinter = { columns: bindingColumns('roleBinding'), row: bindingCells };
