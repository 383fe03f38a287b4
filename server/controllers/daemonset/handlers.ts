// DaemonSet events -> its key; pod events -> the DaemonSet controlling the pod (noting
// creations and deletions for the expectations), or for an orphan every DaemonSet whose
// selector matches; node events that could change placement -> every DaemonSet.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Expectations } from '../common/expectations.ts';
import type { Enqueue } from '../common/types.ts';
import { keyFor, keyOf } from '../common/keys.ts';
import { controllerRefOf } from '../common/owners.ts';
import { R } from '../common/resources.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import type { Node } from '../node-lifecycle/taints.ts';
import type { DaemonSet } from './placement.ts';
import { selectorOf } from './reconcile.ts';

export function registerDaemonSetHandlers(informers: InformerFactory, exp: Expectations, enqueue: Enqueue): void {
  const dsInformer = informers.informer<DaemonSet>(R.daemonSets);
  const onDs = (ds: KubeObject) => enqueue(keyOf(ds));
  dsInformer.addEventHandler({ add: onDs, update: (_o, n) => onDs(n), delete: onDs });
  const all = () => {
    for (const ds of dsInformer.lister.list()) enqueue(keyOf(ds));
  };
  const placementOf = (n: Node) => JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable]);
  informers.informer<Node>(NODES).addEventHandler({ add: all, update: (o, n) => (placementOf(o) !== placementOf(n) ? all() : undefined), delete: all });

  const ownerKey = (pod: KubeObject): string | undefined => {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = dsInformer.lister.get(pod.metadata?.namespace ?? '', ref.name);
    return ds && ds.metadata?.uid === ref.uid ? keyFor(pod.metadata?.namespace ?? '', ref.name) : undefined;
  };
  const matching = (pod: KubeObject) => {
    for (const ds of dsInformer.lister.list(pod.metadata?.namespace ?? '')) if (selectorOf(ds).matches(pod.metadata?.labels)) enqueue(keyOf(ds));
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
