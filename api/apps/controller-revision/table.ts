// kubectl get controllerrevisions: the controlling owner as kind.group/name and the revision.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName } from '../../meta/table-format.ts';

export const controllerRevisionTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Controller', 'string', 'The controller that owns the revision, as kind.group/name.'),
    col('Revision', 'string', 'The revision number.'),
    ageColumn,
  ],
  row(obj, now) {
    const owner = (obj.metadata?.ownerReferences ?? []).find((o) => o.controller === true);
    let controller = '<none>';
    if (owner) {
      const slash = owner.apiVersion.indexOf('/');
      const group = slash >= 0 ? owner.apiVersion.slice(0, slash) : '';
      const groupKind = group ? `${owner.kind}.${group}` : owner.kind;
      controller = `${groupKind.toLowerCase()}/${owner.name}`;
    }
    return [objName(obj), controller, typeof obj.revision === 'number' ? obj.revision : 0, objAge(obj, now)];
  },
};
