// The pod event handling every pod-owning controller shares (ReplicaSet, ReplicationController,
// DaemonSet): a pod event goes to its controlling owner (noting creations and deletions for
// the expectations), or, for an orphan, to every owner whose selector matches (adoption).

import type { KubeObject } from '../../../api/types.ts';
import type { EventHandler, Informer, Lister } from '../../../client/types.ts';
import type { Selector } from '../../../api/meta/labels.ts';
import type { Expectations } from './expectations.ts';
import type { Enqueue } from './types.ts';
import { keyFor, keyOf } from './keys.ts';
import { controllerRefOf } from './owners.ts';

export interface PodOwnerKind<T extends KubeObject> {
  /** The owner kind as ownerReferences name it (ReplicaSet, DaemonSet...). */
  kind: string;
  owners: Informer<T> | { lister: Lister<T> };
  selector(owner: T): Selector;
}

export function podOwnerHandlers<T extends KubeObject>(o: PodOwnerKind<T>, exp: Expectations, enqueue: Enqueue): EventHandler {
  const ownerKey = (pod: KubeObject): string | undefined => {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== o.kind) return undefined;
    const owner = o.owners.lister.get(pod.metadata?.namespace ?? '', ref.name);
    return owner && owner.metadata?.uid === ref.uid ? keyFor(pod.metadata?.namespace ?? '', ref.name) : undefined;
  };
  const matching = (pod: KubeObject) => {
    for (const owner of o.owners.lister.list(pod.metadata?.namespace ?? '')) if (o.selector(owner).matches(pod.metadata?.labels)) enqueue(keyOf(owner));
  };
  return {
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
  };
}
