// The definition the controller manager runs, under upstream's --controllers name:
// persistentvolume-binder.

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerBinderHandlers } from './handlers.ts';
import { newBinderReconciler } from './reconcile.ts';

export function persistentVolumeBinderController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'persistentvolume-binder',
    workers: 2,
    register: (enqueue) => registerBinderHandlers(ctx.informers, enqueue),
    reconcile: newBinderReconciler(ctx),
  };
}
