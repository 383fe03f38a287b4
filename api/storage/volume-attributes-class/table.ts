// kubectl get volumeattributesclasses: the driver, "(default)" after the default class.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, str } from '../../meta/table-format.ts';

const DEFAULT_ANNOTATION = 'storage.kubernetes.io/is-default-class';

export const volumeAttributesClassTable: TablePrinter = {
  columns: [nameColumn, col('DriverName', 'string', 'The CSI driver the attributes are for.'), ageColumn],
  row(obj, now) {
    const isDefault = obj.metadata?.annotations?.[DEFAULT_ANNOTATION] === 'true';
    return [isDefault ? `${objName(obj)} (default)` : objName(obj), str(obj.driverName), objAge(obj, now)];
  },
};
