// PriorityClass strategy: user values up to one billion, 'system-' names reserved,
// preemptionPolicy PreemptLowerPriority by default; value and policy fixed after create.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type PriorityClass = KubeObject & { value?: number; globalDefault?: boolean; preemptionPolicy?: string };

export const HIGHEST_USER_PRIORITY = 1_000_000_000;
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata?.name ?? '';
  const system = SYSTEM_PRIORITY_CLASSES[name];
  if (system !== undefined) {
    if (pc.value !== system) errs.push(fieldError.invalid('value', pc.value ?? 0, `value of ${name} must be ${system}`));
  } else if (name.startsWith('system-')) {
    errs.push(fieldError.invalid('metadata.name', name, "priority class names with 'system-' prefix are reserved"));
  } else if (typeof pc.value !== 'number' || !Number.isInteger(pc.value)) {
    errs.push(fieldError.required('value'));
  } else if (pc.value > HIGHEST_USER_PRIORITY) {
    errs.push(fieldError.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  errs.push(...validateEnum(pc.preemptionPolicy, ['Never', 'PreemptLowerPriority'], 'preemptionPolicy'));
  return errs;
}

export const priorityClassStrategy = simpleStrategy<PriorityClass>({
  namespaced: false,
  defaults: (pc) => {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
  validateUpdate: (pc, old) => [
    ...(pc.value !== old.value ? [fieldError.forbidden('value', 'may not be changed in an update.')] : []),
    ...(pc.preemptionPolicy !== old.preemptionPolicy ? [fieldError.invalid('preemptionPolicy', pc.preemptionPolicy ?? '', 'field is immutable')] : []),
  ],
});
