// kubectl get apiservices: the backing Service (Local when served in-process) and AVAILABLE.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, condition, nameColumn, objAge, objName, rec, spec, statusOf, str } from '../../meta/table-format.ts';

export const apiServiceTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Service', 'string', 'The Service that serves this group version, or Local.'),
    col('Available', 'string', 'Whether the group version is available, with the reason when not.'),
    ageColumn,
  ],
  row(obj, now) {
    const svc = spec(obj).service;
    const service = svc === undefined || svc === null ? 'Local' : `${str(rec(svc).namespace)}/${str(rec(svc).name)}`;
    const c = condition(statusOf(obj).conditions, 'Available');
    let available = 'Unknown';
    if (c) available = c.status !== 'True' && str(c.reason) !== '' ? `${str(c.status)} (${str(c.reason)})` : str(c.status);
    return [objName(obj), service, available, objAge(obj, now)];
  },
};
