// The pod garbage collector is periodic: one key, enqueued once at start (it requeues itself
// every check period) and again whenever a node goes away, so orphans are noticed early.

import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import { POD_GC_KEY } from './reconcile.ts';

export function registerPodGcHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  informers.informer(NODES).addEventHandler({ delete: () => enqueue(POD_GC_KEY) });
  enqueue(POD_GC_KEY);
}
