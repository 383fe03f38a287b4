// events.k8s.io/v1 Event strategy: the stricter checks upstream applies to events written
// through the new API (eventTime, reporting controller and instance, action, reason, a type,
// none of the deprecated fields), and what may not change afterwards. Upstream's field paths
// name the internal (core) fields: involvedObject, message.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1123Subdomain, isQualifiedName, validateImmutable } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type Event = KubeObject & {
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  type?: string;
  note?: string;
  regarding?: { namespace?: string };
  related?: unknown;
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  deprecatedCount?: number;
};

const tooLong = (field: string, v: string | undefined, max: number) =>
  v && v.length > max ? [fieldError.invalid(field, '', `can have at most ${max} characters`)] : [];

function validateSeries(e: Event): FieldError[] {
  if (!e.series) return [];
  const errs: FieldError[] = [];
  if ((e.series.count ?? 0) < 2) errs.push(fieldError.invalid('series.count', '', 'should be at least 2'));
  if (!e.series.lastObservedTime) errs.push(fieldError.required('series.lastObservedTime'));
  return errs;
}

export function validateEvent(e: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.metadata?.namespace ?? '';
  const involvedNs = e.regarding?.namespace ?? '';
  if (!e.eventTime) {
    // Without eventTime upstream checks what it checks of old-style events, then asks for it.
    if (involvedNs ? ns !== involvedNs : ns !== '' && ns !== 'default') errs.push(fieldError.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(fieldError.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    if (!e.reportingController) errs.push(fieldError.required('reportingController'));
    for (const m of isQualifiedName(e.reportingController ?? '')) errs.push(fieldError.invalid('reportingController', e.reportingController ?? '', m));
    if (!e.reportingInstance) errs.push(fieldError.required('reportingInstance'));
    errs.push(...tooLong('reportingInstance', e.reportingInstance, 128));
    if (!e.action) errs.push(fieldError.required('action'));
    errs.push(...tooLong('action', e.action, 128));
    if (!e.reason) errs.push(fieldError.required('reason'));
    errs.push(...tooLong('reason', e.reason, 128));
    errs.push(...tooLong('message', e.note, 1024));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(fieldError.invalid('namespace', ns, m));
  errs.push(...validateSeries(e));
  if (!e.eventTime) errs.push(fieldError.required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(fieldError.invalid('type', '', `has invalid value: ${e.type ?? ''}`));
  if (e.deprecatedFirstTimestamp) errs.push(fieldError.invalid('firstTimestamp', '', 'needs to be unset'));
  if (e.deprecatedLastTimestamp) errs.push(fieldError.invalid('lastTimestamp', '', 'needs to be unset'));
  if (e.deprecatedCount) errs.push(fieldError.invalid('count', '', 'needs to be unset'));
  if (e.deprecatedSource?.component || e.deprecatedSource?.host) errs.push(fieldError.invalid('source', '', 'needs to be unset'));
  return errs;
}

/** On update only a series may move on; what the event says and who said it stay. */
function validateEventUpdate(e: Event, old: Event): FieldError[] {
  const same: [unknown, unknown, string][] = [
    [e.regarding, old.regarding, 'involvedObject'], [e.reason, old.reason, 'reason'], [e.note, old.note, 'message'],
    [e.deprecatedSource, old.deprecatedSource, 'source'], [e.deprecatedFirstTimestamp, old.deprecatedFirstTimestamp, 'firstTimestamp'],
    [e.deprecatedLastTimestamp, old.deprecatedLastTimestamp, 'lastTimestamp'], [e.deprecatedCount, old.deprecatedCount, 'count'],
    [e.type, old.type, 'type'], [e.eventTime, old.eventTime, 'eventTime'], [e.action, old.action, 'action'], [e.related, old.related, 'related'],
    [e.reportingController, old.reportingController, 'reportingController'], [e.reportingInstance, old.reportingInstance, 'reportingInstance'],
  ];
  return same.flatMap(([a, b, f]) => validateImmutable(a, b, f));
}

export const eventStrategy = simpleStrategy<Event>({
  namespaced: true,
  validate: validateEvent,
  validateUpdate: validateEventUpdate,
});
