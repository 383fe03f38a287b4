// Services, the pods they select, and Endpoints changed by others -> service keys.

import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { keyOf } from '../common/keys.ts';
import { R } from '../common/resources.ts';
import { registerServicePodHandlers } from '../common/service.ts';

export function registerEndpointHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  registerServicePodHandlers(informers, enqueue);
  informers.informer(R.endpoints).addEventHandler({ update: (_o, n) => enqueue(keyOf(n)), delete: (e) => enqueue(keyOf(e)) });
}
