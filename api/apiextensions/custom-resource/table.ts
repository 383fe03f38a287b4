// kubectl get on a custom resource: Name, then the version's additionalPrinterColumns (Age
// when it declares none). Dates print as ages; several values join with ",".

import type { ColumnType, KubeObject, TableColumn, TablePrinter } from '../../types.ts';
import { nameColumn, objName } from '../../meta/table-format.ts';
import { since } from '../../meta/duration.ts';
import type { CustomResourceColumnDefinition } from '../custom-resource-definition/types.ts';
import { compileJsonPath } from './json-path.ts';

const DEFAULT_COLUMNS: CustomResourceColumnDefinition[] = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];

function cell(type: string, values: unknown[], now: Date): unknown {
  if (values.length === 0) return null;
  if (type === 'date') {
    const v = values[0];
    return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? since(v, now) : v;
  }
  if (values.length === 1) {
    const v = values[0];
    if (type === 'integer' && typeof v === 'number') return Math.trunc(v);
    if (type === 'string' && v !== null && typeof v === 'object') return JSON.stringify(v);
    return v;
  }
  return values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
}

export function customResourceTable(columns: CustomResourceColumnDefinition[] | undefined, description: (jsonPath: string) => string | undefined): TablePrinter {
  const defs = columns?.length ? columns : DEFAULT_COLUMNS;
  const paths = defs.map((c) => compileJsonPath(c.jsonPath));
  const cols: TableColumn[] = [
    nameColumn,
    ...defs.map((c) => ({
      name: c.name,
      type: c.type as ColumnType,
      format: c.format,
      description: c.description ?? description(c.jsonPath) ?? '',
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns: cols,
    row: (obj: KubeObject, now: Date) => [objName(obj), ...defs.map((c, i) => cell(c.type, paths[i]!(obj), now))],
  };
}
