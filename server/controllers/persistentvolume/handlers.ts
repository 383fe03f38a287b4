// Informer events -> binder keys. A claim enqueues itself (and, when deleted, its volume); a
// volume enqueues itself and its claim; a volume that becomes Available, or a new class, may
// serve any claim still waiting, so those are enqueued too.

import { ANN_BIND_COMPLETED, type PersistentVolume, type PersistentVolumeClaim } from '../../../api/core/persistent-volume/binding.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { claimKey, volumeKey } from './reconcile.ts';
import { PVCS_R, PVS, STORAGE_CLASSES } from './resources.ts';

export function registerBinderHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const claims = informers.informer<PersistentVolumeClaim>(PVCS_R);
  const onClaim = (c: PersistentVolumeClaim) => enqueue(claimKey(c.metadata?.namespace ?? '', c.metadata?.name ?? ''));
  const waitingClaims = () => {
    for (const c of claims.lister.list()) if (!c.metadata?.annotations?.[ANN_BIND_COMPLETED]) onClaim(c);
  };
  claims.addEventHandler({
    add: onClaim,
    update: (_o, n) => onClaim(n),
    delete: (c) => {
      onClaim(c);
      if (c.spec?.volumeName) enqueue(volumeKey(c.spec.volumeName));
    },
  });
  const onVolume = (v: PersistentVolume) => {
    enqueue(volumeKey(v.metadata?.name ?? ''));
    const ref = v.spec?.claimRef;
    if (ref?.name) enqueue(claimKey(ref.namespace ?? '', ref.name));
  };
  informers.informer<PersistentVolume>(PVS).addEventHandler({
    add: (v) => {
      onVolume(v);
      waitingClaims();
    },
    update: (o, n) => {
      onVolume(n);
      if (n.status?.phase === 'Available' && o.status?.phase !== 'Available') waitingClaims();
    },
    delete: onVolume,
  });
  informers.informer(STORAGE_CLASSES).addEventHandler({ add: waitingClaims });
}
