// The definition the controller manager runs: local-path-provisioner (k3s's, in-process here).

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerProvisionerHandlers } from './handlers.ts';
import { newProvisionerReconciler } from './reconcile.ts';

export function localPathProvisionerController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'local-path-provisioner',
    workers: 2,
    register: (enqueue) => registerProvisionerHandlers(ctx.informers, enqueue),
    reconcile: newProvisionerReconciler(ctx),
  };
}
