// ControllerRevision strategy: a non-negative revision; data never changes.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { semanticEqual, validateNonNegative } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type ControllerRevision = KubeObject & { revision?: number; data?: unknown };

export const controllerRevisionStrategy = simpleStrategy<ControllerRevision>({
  namespaced: true,
  validate: (cr): FieldError[] => validateNonNegative(cr.revision ?? 0, 'revision'),
  validateUpdate: (cr, old) => (semanticEqual(cr.data, old.data) ? [] : [fieldError.invalid('data', '', 'field is immutable')]),
});
