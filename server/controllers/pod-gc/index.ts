// The definition the controller manager runs: pod-garbage-collector.

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerPodGcHandlers } from './handlers.ts';
import { newPodGcReconciler } from './reconcile.ts';

export function podGcController(ctx: ControllerContext, opts: { threshold?: number } = {}): ControllerDefinition {
  return {
    name: 'pod-garbage-collector',
    workers: 1,
    register: (enqueue) => registerPodGcHandlers(ctx.informers, enqueue),
    reconcile: newPodGcReconciler({ ...ctx, ...opts }),
  };
}
