// RuntimeClass strategy: a DNS-label handler that never changes.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1123Label } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateQuantities } from '../../core/resource-quota/strategy.ts';

type RuntimeClass = KubeObject & { handler?: string; overhead?: { podFixed?: Record<string, string> } };

export const runtimeClassStrategy = simpleStrategy<RuntimeClass>({
  namespaced: false,
  validate: (rc): FieldError[] => [
    ...(rc.handler ? isDNS1123Label(rc.handler).map((m) => fieldError.invalid('handler', rc.handler, m)) : [fieldError.required('handler')]),
    ...validateQuantities(rc.overhead?.podFixed, 'overhead.podFixed'),
  ],
  validateUpdate: (rc, old) => (rc.handler !== old.handler ? [fieldError.invalid('handler', rc.handler ?? '', 'field is immutable')] : []),
});
