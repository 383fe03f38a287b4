// The definition the controller manager runs, under upstream's --controllers name: disruption.

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerDisruptionHandlers } from './handlers.ts';
import { newDisruptionReconciler } from './reconcile.ts';

export function disruptionController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'disruption',
    workers: 2,
    register: (enqueue) => registerDisruptionHandlers(ctx.informers, enqueue),
    reconcile: newDisruptionReconciler(ctx),
  };
}
