// Claims and volumes -> provisioner keys; a helper pod's progress -> its volume.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import { R } from '../common/resources.ts';
import type { Enqueue } from '../common/types.ts';
import { PVCS_R, PVS } from '../persistentvolume/resources.ts';
import { HELPER_LABEL } from './reconcile.ts';

export function registerProvisionerHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const onClaim = (c: KubeObject) => enqueue(`claim/${c.metadata?.namespace}/${c.metadata?.name}`);
  informers.informer(PVCS_R).addEventHandler({ add: onClaim, update: (_o, n) => onClaim(n) });
  const onVolume = (v: KubeObject) => enqueue(`volume/${v.metadata?.name}`);
  informers.informer(PVS).addEventHandler({ add: onVolume, update: (_o, n) => onVolume(n) });
  const onPod = (p: KubeObject) => {
    const volume = p.metadata?.labels?.[HELPER_LABEL];
    if (volume) enqueue(`volume/${volume}`);
  };
  informers.informer(R.pods).addEventHandler({ add: onPod, update: (_o, n) => onPod(n), delete: onPod });
}
