// events.k8s.io/v1 events print exactly as core events do: map the renamed fields across.

import type { TablePrinter } from '../../types.ts';
import { eventCells, eventColumns } from '../../core/event/table.ts';
import { objName, rec, str, num } from '../../meta/table-format.ts';

export const eventsV1Table: TablePrinter = {
  columns: eventColumns,
  row(obj, now) {
    const regarding = rec(obj.regarding);
    const source = rec(obj.deprecatedSource);
    const series = obj.series === undefined || obj.series === null ? undefined : rec(obj.series);
    return eventCells(
      {
        name: objName(obj), type: str(obj.type), reason: str(obj.reason), message: str(obj.note),
        involvedKind: str(regarding.kind), involvedName: str(regarding.name), fieldPath: str(regarding.fieldPath),
        sourceComponent: str(source.component), sourceHost: str(source.host),
        reportingController: str(obj.reportingController), reportingInstance: str(obj.reportingInstance),
        firstTimestamp: str(obj.deprecatedFirstTimestamp), lastTimestamp: str(obj.deprecatedLastTimestamp),
        eventTime: str(obj.eventTime), count: num(obj.deprecatedCount),
        series: series && { count: num(series.count), lastObservedTime: str(series.lastObservedTime) },
      },
      now,
    );
  },
};
