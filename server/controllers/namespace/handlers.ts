// Namespace events -> namespace keys: only namespaces being deleted need work.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { R } from '../common/resources.ts';

export function registerNamespaceHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const onNs = (ns: KubeObject) => {
    if (ns.metadata?.deletionTimestamp) enqueue(ns.metadata.name ?? '');
  };
  informers.informer(R.namespaces).addEventHandler({ add: onNs, update: (_o, n) => onNs(n) });
}
