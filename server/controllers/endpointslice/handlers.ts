// Services, the pods they select, and our EndpointSlices changed by others -> service keys.

import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { keyFor } from '../common/keys.ts';
import { R } from '../common/resources.ts';
import { registerServicePodHandlers } from '../common/service.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from './reconcile.ts';
import type { KubeObject } from '../../../api/types.ts';

export function registerEndpointSliceHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  registerServicePodHandlers(informers, enqueue);
  const onSlice = (s: KubeObject) => {
    const l = s.metadata?.labels ?? {};
    if (l[MANAGED_BY_LABEL] === MANAGED_BY && l[SERVICE_NAME_LABEL]) enqueue(keyFor(s.metadata?.namespace ?? '', l[SERVICE_NAME_LABEL]));
  };
  informers.informer(R.endpointSlices).addEventHandler({ update: (_o, n) => onSlice(n), delete: onSlice });
}
