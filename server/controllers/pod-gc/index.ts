// The definition the controller manager runs, under upstream's --controllers name: podgc.

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerPodGcHandlers } from './handlers.ts';
import { newPodGcReconciler } from './reconcile.ts';

export function podGcController(ctx: ControllerContext, opts: { threshold?: number } = {}): ControllerDefinition {
  return {
    name: 'podgc',
    workers: 1,
    register: (enqueue) => registerPodGcHandlers(ctx.informers, enqueue),
    reconcile: newPodGcReconciler({ ...ctx, ...opts }),
  };
}
