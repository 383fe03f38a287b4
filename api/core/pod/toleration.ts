// Taints and tolerations as core/v1 defines them, and v1.Toleration.ToleratesTaint: the one
// matching rule the scheduler's TaintToleration, node lifecycle's taint eviction and the
// DaemonSet controller all apply.

import type { Toleration } from './types.ts';

export type { Toleration };

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
  timeAdded?: string;
}

/** An empty effect matches every effect; an empty key (with Exists) every key. */
export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (tol.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function toleratedBy(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}
