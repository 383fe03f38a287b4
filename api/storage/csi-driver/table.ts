// kubectl get csidrivers: capabilities with their defaults filled in.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName, recs, spec, str } from '../../meta/table-format.ts';

export const csiDriverTable: TablePrinter = {
  columns: [
    nameColumn,
    col('AttachRequired', 'boolean', 'Whether volumes need an attach step.'),
    col('PodInfoOnMount', 'boolean', 'Whether pod information is passed on mount.'),
    col('StorageCapacity', 'boolean', 'Whether the scheduler considers reported capacity.'),
    col('TokenRequests', 'string', 'Audiences of the service account tokens passed to the driver.'),
    col('RequiresRepublish', 'boolean', 'Whether volumes are periodically republished.'),
    col('Modes', 'string', 'Volume lifecycle modes the driver supports.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    const tokens = sp.tokenRequests === undefined || sp.tokenRequests === null
      ? '<unset>'
      : recs(sp.tokenRequests).map((t) => str(t.audience)).join(',');
    return [
      objName(obj), sp.attachRequired !== false, sp.podInfoOnMount === true, sp.storageCapacity === true, tokens,
      sp.requiresRepublish === true, arr(sp.volumeLifecycleModes).map(str).join(',') || '<none>', objAge(obj, now),
    ];
  },
};
