// kubectl get prioritylevelconfigurations: type, shares and queuing of limited levels.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, num, objAge, objName, rec, spec, str } from '../../meta/table-format.ts';

export const priorityLevelConfigurationTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Type', 'string', 'Exempt or Limited.'),
    col('NominalConcurrencyShares', 'string', 'Share of the server\'s concurrency the level is entitled to.'),
    col('Queues', 'string', 'Number of queues.'),
    col('HandSize', 'string', 'Queues a flow is shuffle-sharded over.'),
    col('QueueLengthLimit', 'string', 'Requests a queue may hold.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    let shares: unknown = '<none>';
    let queues: unknown = '<none>';
    let handSize: unknown = '<none>';
    let queueLength: unknown = '<none>';
    if (sp.limited !== undefined && sp.limited !== null) {
      const limited = rec(sp.limited);
      shares = num(limited.nominalConcurrencyShares);
      const q = rec(limited.limitResponse).queuing;
      if (q !== undefined && q !== null) {
        queues = num(rec(q).queues);
        handSize = num(rec(q).handSize);
        queueLength = num(rec(q).queueLengthLimit);
      }
    }
    return [objName(obj), str(sp.type), shares, queues, handSize, queueLength, objAge(obj, now)];
  },
};
