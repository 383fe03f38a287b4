// The definitions the controller manager runs, under upstream's --controllers names:
// nodelifecycle and taint-eviction-controller.

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { newTaintEvictionReconciler } from './eviction.ts';
import { registerNodeLifecycleHandlers, registerTaintEvictionHandlers } from './handlers.ts';
import { newNodeLifecycleReconciler } from './reconcile.ts';

export function nodeLifecycleController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'nodelifecycle',
    workers: 1,
    register: (enqueue) => registerNodeLifecycleHandlers(ctx.informers, enqueue),
    reconcile: newNodeLifecycleReconciler(ctx),
  };
}

export function taintEvictionController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'taint-eviction-controller',
    workers: 2,
    register: (enqueue) => registerTaintEvictionHandlers(ctx.informers, enqueue),
    reconcile: newTaintEvictionReconciler(ctx),
  };
}
