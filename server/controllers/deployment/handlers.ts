// Deployment events -> its key; ReplicaSet events -> the owning Deployment, or for an orphan
// every Deployment whose selector matches; a deleted pod -> its ReplicaSet's Deployment
// (Recreate waits for old pods to be gone).

import type { KubeObject } from '../../../api/types.ts';
import { labelSelectorFromObject } from '../../../api/meta/labels.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { keyFor, keyOf } from '../common/keys.ts';
import { controllerRefOf } from '../common/owners.ts';
import { R } from '../common/resources.ts';
import type { Deployment, ReplicaSet } from './types.ts';

export function registerDeploymentHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const dInformer = informers.informer<Deployment>(R.deployments);
  const rsInformer = informers.informer<ReplicaSet>(R.replicaSets);
  const onD = (d: KubeObject) => enqueue(keyOf(d));
  dInformer.addEventHandler({ add: onD, update: (_o, n) => onD(n), delete: onD });

  const ownerOf = (rs: KubeObject): boolean => {
    const ref = controllerRefOf(rs);
    if (!ref) return false;
    if (ref.kind === 'Deployment') enqueue(keyFor(rs.metadata?.namespace ?? '', ref.name));
    return true;
  };
  const matching = (rs: KubeObject) => {
    for (const d of dInformer.lister.list(rs.metadata?.namespace ?? '')) {
      try {
        if (labelSelectorFromObject(d.spec?.selector).matches(rs.metadata?.labels)) enqueue(keyOf(d));
      } catch {
        // an invalid selector selects nothing
      }
    }
  };
  rsInformer.addEventHandler({
    add: (rs) => void (ownerOf(rs) || matching(rs)),
    update: (old, rs) => {
      if (controllerRefOf(old)?.uid !== controllerRefOf(rs)?.uid) ownerOf(old);
      if (!ownerOf(rs)) matching(rs);
    },
    delete: (rs) => void ownerOf(rs),
  });
  informers.informer(R.pods).addEventHandler({
    delete: (pod) => {
      const ref = controllerRefOf(pod);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = rsInformer.lister.get(pod.metadata?.namespace ?? '', ref.name);
      if (rs) ownerOf(rs);
    },
  });
}
