// events.k8s.io/v1 Event strategy: the stricter shape of the new events API.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isQualifiedName } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type Event = KubeObject & {
  eventTime?: string;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  type?: string;
  note?: string;
  regarding?: { namespace?: string; kind?: string };
};

export function validateEvent(e: Event): FieldError[] {
  const errs: FieldError[] = [];
  if (!e.eventTime) errs.push(fieldError.required('eventTime'));
  if (!e.reportingController) errs.push(fieldError.required('reportingController'));
  else for (const m of isQualifiedName(e.reportingController)) errs.push(fieldError.invalid('reportingController', e.reportingController, m));
  if (!e.reportingInstance) errs.push(fieldError.required('reportingInstance'));
  else if (e.reportingInstance.length > 128) errs.push(fieldError.invalid('reportingInstance', '', 'can have at most 128 characters'));
  if (!e.action) errs.push(fieldError.required('action'));
  else if (e.action.length > 128) errs.push(fieldError.invalid('action', '', 'can have at most 128 characters'));
  if (!e.reason) errs.push(fieldError.required('reason'));
  else if (e.reason.length > 128) errs.push(fieldError.invalid('reason', '', 'can have at most 128 characters'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(fieldError.invalid('type', e.type ?? '', `has invalid value: ${e.type ?? ''}`));
  if (e.note && Buffer.byteLength(e.note) > 1024) errs.push(fieldError.invalid('note', '', 'can have at most 1024 characters'));
  return errs;
}

export const eventStrategy = simpleStrategy<Event>({ namespaced: true, validate: validateEvent });
