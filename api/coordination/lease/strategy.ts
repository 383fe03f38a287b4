// Lease strategy: positive durations, non-negative transitions.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { validateNonNegative } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type Lease = KubeObject & { spec?: { leaseDurationSeconds?: number; leaseTransitions?: number; holderIdentity?: string } };

export const leaseStrategy = simpleStrategy<Lease>({
  namespaced: true,
  validate: (l): FieldError[] => {
    const d = l.spec?.leaseDurationSeconds;
    return [
      ...(d !== undefined && d <= 0 ? [fieldError.invalid('spec.leaseDurationSeconds', d, 'must be greater than 0')] : []),
      ...validateNonNegative(l.spec?.leaseTransitions, 'spec.leaseTransitions'),
    ];
  },
});
