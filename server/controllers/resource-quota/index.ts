// The definition the controller manager runs, under upstream's --controllers name: resourcequota.

import type { ResourceType } from '../../../api/types.ts';
import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { registerResourceQuotaHandlers, type QuotaHandlers } from './handlers.ts';
import { newResourceQuotaReconciler } from './reconcile.ts';

export function resourceQuotaController(ctx: ControllerContext): ControllerDefinition {
  let handlers: QuotaHandlers | undefined;
  return {
    name: 'resourcequota',
    workers: 2,
    register: (enqueue) => void (handlers = registerResourceQuotaHandlers(ctx.informers, enqueue)),
    reconcile: newResourceQuotaReconciler({ ...ctx, watchResource: (rt: ResourceType) => handlers?.watchResource(rt) }),
  };
}
