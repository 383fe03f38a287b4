// ReplicaSet events -> its key; pod events -> the owning ReplicaSet (noting creations and
// deletions for the expectations), or for an orphan every ReplicaSet whose selector matches.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Expectations } from '../common/expectations.ts';
import type { Enqueue } from '../common/types.ts';
import { keyFor, keyOf } from '../common/keys.ts';
import { controllerRefOf } from '../common/owners.ts';
import { R } from '../common/resources.ts';
import type { ReplicaKind, ReplicaSet } from './kinds.ts';

export function registerReplicaSetHandlers(informers: InformerFactory, kind: ReplicaKind, exp: Expectations, enqueue: Enqueue): void {
  const rsInformer = informers.informer<ReplicaSet>(kind.r);
  const onRs = (rs: KubeObject) => enqueue(keyOf(rs));
  rsInformer.addEventHandler({ add: onRs, update: (_o, n) => onRs(n), delete: onRs });

  /** The key of the pod's controlling ReplicaSet of this kind, if it has one. */
  const ownerKey = (pod: KubeObject): string | undefined => {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== kind.r.kind) return undefined;
    const rs = rsInformer.lister.get(pod.metadata?.namespace ?? '', ref.name);
    if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
    return keyFor(pod.metadata?.namespace ?? '', ref.name);
  };
  const matching = (pod: KubeObject) => {
    for (const rs of rsInformer.lister.list(pod.metadata?.namespace ?? '')) {
      if (kind.selector(rs).matches(pod.metadata?.labels)) enqueue(keyOf(rs));
    }
  };

  informers.informer(R.pods).addEventHandler({
    add: (pod) => {
      const k = ownerKey(pod);
      if (k) {
        if (pod.metadata?.deletionTimestamp) exp.deletionObserved(k, keyOf(pod));
        else exp.creationObserved(k);
        enqueue(k);
      } else if (!controllerRefOf(pod)) matching(pod);
    },
    update: (old, pod) => {
      const k = ownerKey(pod);
      if (k && pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) exp.deletionObserved(k, keyOf(pod));
      const oldK = ownerKey(old);
      if (oldK && oldK !== k) enqueue(oldK);
      if (k) enqueue(k);
      else if (!controllerRefOf(pod)) matching(pod);
    },
    delete: (pod) => {
      const k = ownerKey(pod);
      if (!k) return;
      exp.deletionObserved(k, keyOf(pod));
      enqueue(k);
    },
  });
}
