// The definition the controller manager runs, under upstream's --controllers name: daemonset.

import { Expectations } from '../common/expectations.ts';
import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerDaemonSetHandlers } from './handlers.ts';
import { newDaemonSetReconciler } from './reconcile.ts';

export function daemonSetController(ctx: ControllerContext): ControllerDefinition {
  const expectations = new Expectations(ctx.clock);
  return {
    name: 'daemonset',
    workers: 2,
    register: (enqueue) => registerDaemonSetHandlers(ctx.informers, expectations, enqueue),
    reconcile: newDaemonSetReconciler({ ...ctx, expectations }),
  };
}
