// VolumeAttributesClass strategy: a driver name and at least one parameter, neither of which
// may change (a volume moves to another class instead). No defaults upstream.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isQualifiedName, semanticEqual } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateParameters } from '../csi.ts';

type Class = KubeObject & { driverName?: string; parameters?: Record<string, string> };

function validateClass(c: Class): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.driverName) errs.push(fieldError.required('driverName'));
  else for (const m of isQualifiedName(c.driverName.toLowerCase())) errs.push(fieldError.invalid('driverName', c.driverName, m));
  return [...errs, ...validateParameters(c.parameters, 'parameters', true)];
}

export const volumeAttributesClassStrategy = simpleStrategy<Class>({
  returnDeletedObject: true,
  namespaced: false,
  validate: validateClass,
  validateUpdate: (c, old) => [
    ...(c.driverName === old.driverName ? [] : [fieldError.forbidden('driverName', 'updates to driverName are forbidden.')]),
    ...(semanticEqual(c.parameters, old.parameters) ? [] : [fieldError.forbidden('parameters', 'updates to parameters are forbidden.')]),
  ],
});
