// The definitions the controller manager runs: node-lifecycle-controller and
// taint-eviction-controller.

import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { newTaintEvictionReconciler } from './eviction.ts';
import { registerNodeLifecycleHandlers, registerTaintEvictionHandlers } from './handlers.ts';
import { newNodeLifecycleReconciler } from './reconcile.ts';

export function nodeLifecycleController(ctx: ControllerContext): ControllerDefinition {
  return {
    name: 'node-lifecycle-controller',
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
