// kubectl get podtemplates: containers, images and the template's pod labels.

import type { TablePrinter } from '../../types.ts';
import { col, containerCells, formatLabels, nameColumn, objName, rec } from '../../meta/table-format.ts';

export const podTemplateTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Containers', 'string', 'Names of the containers in the template.'),
    col('Images', 'string', 'Images of the containers in the template.'),
    col('Pod Labels', 'string', 'Labels the template gives its pods.'),
  ],
  row(obj) {
    const template = rec(obj.template);
    const [names, images] = containerCells(rec(template.spec).containers);
    return [objName(obj), names, images, formatLabels(rec(template.metadata).labels)];
  },
};
