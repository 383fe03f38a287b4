import test from 'ava';
import { Registry } from '../registry.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { defaultTable, toTable } from './table.ts';

const registry = new Registry();
const now = new Date('2025-06-01T12:00:00Z');
const rt = (group: string, plural: string) => registry.get(group, 'v1', plural) as ResourceType;
const role: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role',
  metadata: { name: 'reader', namespace: 'default', resourceVersion: '42', creationTimestamp: '2025-05-01T08:09:10.000Z' },
  rules: [],
};

test('kinds without a printer get Name and Created At', (t) => {
  const table = toTable(rt('rbac.authorization.k8s.io', 'roles'), [role], now, { includeObject: 'None' });
  t.deepEqual(table.columnDefinitions?.map((c) => [c.name, c.type, c.format, c.priority]), [
    ['Name', 'string', 'name', 0], ['Created At', 'date', '', 0],
  ]);
  t.deepEqual(table.rows, [{ cells: ['reader', '2025-05-01T08:09:10Z'], object: null }]);
  t.deepEqual(defaultTable.row({ metadata: { name: 'x' } }, now), ['x', '0001-01-01T00:00:00Z']);
});

test('Table envelope: kind, apiVersion and the single object\'s resourceVersion', (t) => {
  const table = toTable(rt('rbac.authorization.k8s.io', 'roles'), [role], now, { includeObject: 'Metadata' });
  t.is(table.kind, 'Table');
  t.is(table.apiVersion, 'meta.k8s.io/v1');
  t.deepEqual(table.metadata, { resourceVersion: '42' });
});

test('includeObject=Metadata wraps the metadata in a PartialObjectMetadata', (t) => {
  const table = toTable(rt('rbac.authorization.k8s.io', 'roles'), [role], now, { includeObject: 'Metadata', groupVersion: 'meta.k8s.io/v1beta1' });
  t.deepEqual(table.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: role.metadata });
  t.is(table.apiVersion, 'meta.k8s.io/v1beta1');
});

test('includeObject=Object carries the whole object; list metadata is passed through', (t) => {
  const listMeta = { resourceVersion: '99', continue: 'abc', remainingItemCount: 3 };
  const table = toTable(rt('rbac.authorization.k8s.io', 'roles'), [role, role], now, { includeObject: 'Object', listMeta });
  t.is(table.rows[1]?.object, role);
  t.deepEqual(table.metadata, listMeta);
});

test('noHeaders drops the column definitions as upstream does (null)', (t) => {
  const table = toTable(rt('', 'configmaps'), [{ metadata: { name: 'c' }, data: { a: '1' }, binaryData: { b: 'AA==' } }], now, {
    includeObject: 'None', noHeaders: true,
  });
  t.is(table.columnDefinitions, null);
  t.deepEqual(table.rows[0]?.cells, ['c', 2, '<unknown>']);
});

test('row conditions appear only when the printer gives some', (t) => {
  const pods = rt('', 'pods');
  const done = { metadata: { name: 'p' }, spec: { containers: [] }, status: { phase: 'Succeeded' } };
  const live = { metadata: { name: 'q' }, spec: { containers: [] }, status: { phase: 'Running' } };
  const table = toTable(pods, [done, live], now, { includeObject: 'None' });
  t.is(table.rows[0]?.conditions?.[0]?.type, 'Completed');
  t.false('conditions' in (table.rows[1] ?? {}));
  t.is(table.columnDefinitions?.length, 9);
  t.is(table.rows[0]?.cells.length, 9);
});

test('every built-in printer fills one cell per column, even for an empty object', (t) => {
  for (const r of registry.all()) {
    const printer = r.table ?? defaultTable;
    const cells = printer.row({ metadata: { name: 'x' } }, now);
    t.is(cells.length, printer.columns.length, `${r.group}/${r.version}/${r.plural}`);
    t.is(printer.columns.filter((c) => c.format === 'name').length >= 1, true, r.plural);
  }
});
