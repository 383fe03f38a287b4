// Server-side printing: turns objects into a meta.k8s.io Table, which is what kubectl asks
// for (Accept: application/json;as=Table;v=v1;g=meta.k8s.io) on `kubectl get`. Columns and
// cells come from the kind's TablePrinter; kinds without one get Name and Created At.

import { rfc3339 } from './time.ts';
import type { KubeObject, ObjectMeta, ResourceType, TableColumn, TablePrinter, TableRowCondition } from '../types.ts';
import { nameColumn } from './table-format.ts';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  /** The object, its metadata only, or null (includeObject=None), as upstream encodes it. */
  object: KubeObject | PartialObjectMetadata | null;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  /** null when the client asked for no headers (TableOptions.noHeaders), as upstream sends it. */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Object' | 'Metadata';

export interface TableOptions {
  /** What each row carries besides its cells; upstream's default is Metadata. */
  includeObject: IncludeObject;
  noHeaders?: boolean;
  /** The list's metadata; for a single object the object's resourceVersion is used. */
  listMeta?: ListMeta;
  /** meta.k8s.io/v1 unless the client negotiated meta.k8s.io/v1beta1. */
  groupVersion?: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
}

/** Upstream's RFC3339 rendering of a metav1.Time: UTC, whole seconds; the zero time when unset. */
export function timeCell(timestamp: string | undefined): string {
  const t = timestamp ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return rfc3339(new Date(t));
}

/** The printer for kinds with no columns of their own, CRDs without printer columns included. */
export const defaultTable: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Created At', type: 'date', description: 'When the object was created (metadata.creationTimestamp).', priority: 0 },
  ],
  row: (obj) => [obj.metadata?.name ?? '', timeCell(obj.metadata?.creationTimestamp)],
};

function definition(c: TableColumn): TableColumnDefinition {
  return { name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority };
}

export function toTable(rt: ResourceType, objects: readonly KubeObject[], now: Date, opts: TableOptions): Table {
  const printer = rt.table ?? defaultTable;
  const apiVersion = opts.groupVersion ?? 'meta.k8s.io/v1';
  const rows = objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.row(obj, now), object: null };
    const conditions = printer.conditions?.(obj);
    if (conditions && conditions.length > 0) row.conditions = conditions;
    if (opts.includeObject === 'Object') row.object = obj;
    else if (opts.includeObject === 'Metadata') {
      row.object = { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata ?? {} };
    }
    return row;
  });
  let metadata: ListMeta = opts.listMeta ?? {};
  if (!opts.listMeta && objects.length === 1 && objects[0]?.metadata?.resourceVersion) {
    metadata = { resourceVersion: objects[0].metadata.resourceVersion };
  }
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns.map(definition),
    rows,
  };
}
