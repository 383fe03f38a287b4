// events.k8s.io/v1 Event <-> core/v1 Event: one object, stored as core/v1; the newer API
// renames fields (regarding, note, reportingController, deprecated*).

import type { KubeObject } from '../../types.ts';

/** events.k8s.io/v1 field -> core/v1 field, for fields that only changed their name. */
const RENAMED: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KubeObject, pairs: [string, string][], apiVersion: string): KubeObject {
  const out: KubeObject = { ...obj, apiVersion, kind: 'Event' };
  for (const [from, to] of pairs) {
    delete out[from];
    if (obj[from] !== undefined) out[to] = obj[from];
  }
  return out;
}

export const eventsV1Convert = {
  toStorage: (obj: KubeObject): KubeObject => rename(obj, RENAMED, 'v1'),
  fromStorage: (obj: KubeObject): KubeObject =>
    rename(obj, RENAMED.map(([a, b]) => [b, a] as [string, string]), 'events.k8s.io/v1'),
};
