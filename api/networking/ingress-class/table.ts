// kubectl get ingressclasses: the controller and its parameters as Kind.group/name.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, spec, str } from '../../meta/table-format.ts';

export const ingressClassTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Controller', 'string', 'The controller that implements ingresses of this class.'),
    col('Parameters', 'string', 'The resource holding the controller\'s parameters.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    let parameters = '<none>';
    if (sp.parameters !== undefined && sp.parameters !== null) {
      const p = rec(sp.parameters);
      parameters = (typeof p.apiGroup === 'string' ? `${str(p.kind)}.${p.apiGroup}` : str(p.kind)) + `/${str(p.name)}`;
    }
    return [objName(obj), str(sp.controller), parameters, objAge(obj, now)];
  },
};
