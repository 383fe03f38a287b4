// kubectl get ipaddresses: the object the IP is allocated to, as resource.group/namespace/name.

import type { TablePrinter } from '../../types.ts';
import { col, nameColumn, objName, rec, spec, str } from '../../meta/table-format.ts';

export const ipAddressTable: TablePrinter = {
  // Upstream defines only these two columns (its row also carries an age, which kubectl never shows).
  columns: [nameColumn, col('ParentRef', 'string', 'The object the address is allocated to.')],
  row(obj) {
    const ref = spec(obj).parentRef;
    let parent = '<none>';
    if (ref !== undefined && ref !== null) {
      const r = rec(ref);
      const group = str(r.group);
      parent = (group ? `${str(r.resource)}.${group}` : str(r.resource)).toLowerCase();
      if (str(r.namespace) !== '') parent += `/${str(r.namespace)}`;
      parent += `/${str(r.name)}`;
    }
    return [objName(obj), parent];
  },
};
