// kubectl get clusterrolebindings.

import type { TablePrinter } from '../../types.ts';
import { bindingCells, bindingColumns } from '../role-binding/subjects.ts';

export const clusterRoleBindingTable: TablePrinter = { columns: bindingColumns('clusterRoleBinding'), row: bindingCells };
