// Upstream's admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`.

import { StatusError, qualifiedResource } from '../../../api/meta/errors.ts';
import type { Attributes } from './types.ts';

export function forbidden(a: Attributes, message: string, cause?: { reason: string; field: string }): StatusError {
  const rt = a.resource;
  const resource = a.subresource ? `${rt.plural}/${a.subresource}` : rt.plural;
  const name = a.name;
  return new StatusError(403, 'Forbidden', `${qualifiedResource({ group: rt.group, resource })} "${name}" is forbidden: ${message}`, {
    name,
    group: rt.group || undefined,
    kind: rt.plural,
    causes: cause ? [{ reason: cause.reason, message, field: cause.field }] : undefined,
  });
}
