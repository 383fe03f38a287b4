// DaemonSet events -> its key; pod events -> the DaemonSet controlling the pod (noting
// creations and deletions for the expectations), or for an orphan every DaemonSet whose
// selector matches; node events that could change placement -> every DaemonSet.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Expectations } from '../common/expectations.ts';
import type { Enqueue } from '../common/types.ts';
import { keyOf } from '../common/keys.ts';
import { podOwnerHandlers } from '../common/pod-owner-handlers.ts';
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

  informers.informer(R.pods).addEventHandler(podOwnerHandlers({ kind: 'DaemonSet', owners: dsInformer, selector: selectorOf }, exp, enqueue));
}
