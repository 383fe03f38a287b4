// The definition the controller manager runs, under upstream's --controllers name: statefulset.

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerStatefulSetHandlers } from './handlers.ts';
import { newStatefulSetReconciler } from './reconcile.ts';

export function statefulSetController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'statefulset',
    workers: 5,
    register: (enqueue) => registerStatefulSetHandlers(ctx.informers, enqueue),
    reconcile: newStatefulSetReconciler(ctx),
  };
}
