// kubectl get events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and wide SUBOBJECT, SOURCE,
// FIRST SEEN, COUNT, NAME. Series events report their last observation and series count.

import type { TablePrinter } from '../../types.ts';
import { since } from '../../meta/duration.ts';
import { col, nameColumn, objName, rec, str, num } from '../../meta/table-format.ts';

/** The fields the core printer reads, so events.k8s.io/v1 objects can be mapped onto it. */
export interface EventView {
  name: string;
  type: string;
  reason: string;
  message: string;
  involvedKind: string;
  involvedName: string;
  fieldPath: string;
  sourceComponent: string;
  sourceHost: string;
  reportingController: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
  eventTime: string;
  count: number;
  series?: { count: number; lastObservedTime: string };
}

export function eventCells(e: EventView, now: Date): unknown[] {
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  let count = e.count;
  if (e.series) {
    last = since(e.series.lastObservedTime, now);
    count = e.series.count;
  } else if (count === 0) {
    count = 1; // events of the newer API carry no count when they happened once
  }
  const kind = e.involvedKind.toLowerCase();
  const target = e.involvedName ? `${kind}/${e.involvedName}` : kind;
  const component = e.sourceComponent || e.reportingController;
  const instance = e.sourceHost || e.reportingInstance;
  const source = instance ? `${component}, ${instance}` : component;
  return [last, e.type, e.reason, target, e.fieldPath, source, e.message.trim(), first, count, e.name];
}

export const eventColumns = [
  col('Last Seen', 'string', 'Time since the event was last observed.'),
  col('Type', 'string', 'Normal or Warning.'),
  col('Reason', 'string', 'A short machine-readable cause, e.g. Scheduled or BackOff.'),
  col('Object', 'string', 'The object the event is about, as kind/name.'),
  col('Subobject', 'string', 'The part of the object, e.g. a container, the event is about.', true),
  col('Source', 'string', 'The component (and host) that reported the event.', true),
  col('Message', 'string', 'What happened, for people.'),
  col('First Seen', 'string', 'Time since the event was first observed.', true),
  col('Count', 'string', 'How many times the event was observed.', true),
  { ...nameColumn, priority: 1 },
];

export const eventTable: TablePrinter = {
  columns: eventColumns,
  row(obj, now) {
    const involved = rec(obj.involvedObject);
    const source = rec(obj.source);
    const series = obj.series === undefined || obj.series === null ? undefined : rec(obj.series);
    return eventCells(
      {
        name: objName(obj), type: str(obj.type), reason: str(obj.reason), message: str(obj.message),
        involvedKind: str(involved.kind), involvedName: str(involved.name), fieldPath: str(involved.fieldPath),
        sourceComponent: str(source.component), sourceHost: str(source.host),
        reportingController: str(obj.reportingComponent), reportingInstance: str(obj.reportingInstance),
        firstTimestamp: str(obj.firstTimestamp), lastTimestamp: str(obj.lastTimestamp), eventTime: str(obj.eventTime),
        count: num(obj.count),
        series: series && { count: num(series.count), lastObservedTime: str(series.lastObservedTime) },
      },
      now,
    );
  },
};
