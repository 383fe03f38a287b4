// The certificate controllers as the manager runs them: csrapproving and csrsigning, both
// keyed by CSR name. csrsigning needs the CA key and runs only where it is given.

import type { KubeObject } from '../../../api/types.ts';
import type { ControllerContext, ControllerDefinition, Enqueue } from '../common/types.ts';
import { newCsrApprovingReconciler } from './approving.ts';
import { newCsrSigningReconciler } from './signing.ts';
import { R } from './resources.ts';

function registerCsrHandlers(ctx: ControllerContext, enqueue: Enqueue): void {
  const on = (o: KubeObject) => enqueue(o.metadata?.name ?? '');
  ctx.informers.informer(R.csrs).addEventHandler({ add: on, update: (_o, n) => on(n) });
}

export function csrApprovingController(ctx: ControllerContext): ControllerDefinition {
  return { name: 'csrapproving', workers: 1, register: (e) => registerCsrHandlers(ctx, e), reconcile: newCsrApprovingReconciler(ctx) };
}

export function csrSigningController(ctx: ControllerContext & { caKeyPem?: string; caPem: string }): ControllerDefinition {
  if (!ctx.caKeyPem) {
    // No key, no signing (a controller-manager started without --cluster-signing-key-file).
    return { name: 'csrsigning', workers: 1, register: () => undefined, reconcile: async () => ({}) };
  }
  const reconcile = newCsrSigningReconciler({ ...ctx, ca: { cert: ctx.caPem, key: ctx.caKeyPem } });
  return { name: 'csrsigning', workers: 1, register: (e) => registerCsrHandlers(ctx, e), reconcile };
}
