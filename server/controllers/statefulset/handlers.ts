// StatefulSet events -> its key; pod events -> the StatefulSet controlling the pod, or for
// an orphan every StatefulSet in its namespace whose selector matches it.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { keyFor, keyOf } from '../common/keys.ts';
import { controllerRefOf } from '../common/owners.ts';
import { R } from '../common/resources.ts';
import type { StatefulSet } from './identity.ts';
import { selectorOf } from './reconcile.ts';

export function registerStatefulSetHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const setInformer = informers.informer<StatefulSet>(R.statefulSets);
  const onSet = (s: KubeObject) => enqueue(keyOf(s));
  setInformer.addEventHandler({ add: onSet, update: (_o, n) => onSet(n), delete: onSet });
  const onPod = (pod: KubeObject) => {
    const ns = pod.metadata?.namespace ?? '';
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind === 'StatefulSet') enqueue(keyFor(ns, ref.name));
      return;
    }
    for (const s of setInformer.lister.list(ns)) if (selectorOf(s).matches(pod.metadata?.labels)) enqueue(keyOf(s));
  };
  informers.informer(R.pods).addEventHandler({
    add: onPod,
    update: (o, n) => {
      onPod(n);
      if (controllerRefOf(o)?.uid !== controllerRefOf(n)?.uid) onPod(o);
    },
    delete: onPod,
  });
}
