// Role and cluster role bindings print the same way: ROLE as Kind/name and, wide, their
// subjects split into users, groups and service accounts.

import type { KubeObject, TableColumn } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, recs, str } from '../../meta/table-format.ts';

export function bindingColumns(what: string): TableColumn[] {
  return [
    nameColumn,
    col('Role', 'string', 'The role granted, as Kind/name.'),
    ageColumn,
    col('Users', 'string', `Users in the ${what}.`, true),
    col('Groups', 'string', `Groups in the ${what}.`, true),
    col('ServiceAccounts', 'string', `Service accounts in the ${what}, as namespace/name.`, true),
  ];
}

export function bindingCells(obj: KubeObject, now: Date): unknown[] {
  const ref = rec(obj.roleRef);
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of recs(obj.subjects)) {
    if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
    else if (s.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}/${str(s.name)}`);
  }
  return [objName(obj), `${str(ref.kind)}/${str(ref.name)}`, objAge(obj, now), users.join(', '), groups.join(', '), sas.join(', ')];
}
