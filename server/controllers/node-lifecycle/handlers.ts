// Node, Lease and pod events -> node names: the lifecycle controller looks at a node when it
// or its Lease changes; taint eviction when a node's taints change or a pod lands on it.

import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { LEASES, NODE_LEASE_NAMESPACE, NODES } from './resources.ts';
import type { Node } from './taints.ts';

export function registerNodeLifecycleHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const onNode = (n: Node) => enqueue(n.metadata?.name ?? '');
  informers.informer<Node>(NODES).addEventHandler({ add: onNode, update: (_o, n) => onNode(n) });
  const onLease = (l: Node) => {
    if (l.metadata?.namespace === NODE_LEASE_NAMESPACE) enqueue(l.metadata.name ?? '');
  };
  informers.informer<Node>(LEASES).addEventHandler({ add: onLease, update: (_o, n) => onLease(n) });
}

export function registerTaintEvictionHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const taintsOf = (n: Node) => JSON.stringify(n.spec?.taints ?? []);
  informers.informer<Node>(NODES).addEventHandler({
    add: (n) => {
      if (n.spec?.taints?.some((t) => t.effect === 'NoExecute')) enqueue(n.metadata?.name ?? '');
    },
    update: (o, n) => {
      if (taintsOf(o) !== taintsOf(n)) enqueue(n.metadata?.name ?? '');
    },
  });
  const onPod = (p: Pod) => {
    if (p.spec?.nodeName) enqueue(p.spec.nodeName);
  };
  informers.informer<Pod>(R.pods).addEventHandler({
    add: onPod,
    update: (o, n) => {
      if (o.spec?.nodeName !== n.spec?.nodeName || JSON.stringify(o.spec?.tolerations) !== JSON.stringify(n.spec?.tolerations)) onPod(n);
    },
  });
}
