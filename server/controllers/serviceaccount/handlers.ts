// Namespaces and deleted `default` ServiceAccounts -> namespace keys.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { R } from '../common/resources.ts';
import { DEFAULT_SERVICE_ACCOUNT } from './reconcile.ts';

export function registerServiceAccountHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const onNs = (ns: KubeObject) => enqueue(ns.metadata?.name ?? '');
  informers.informer(R.namespaces).addEventHandler({ add: onNs, update: (_o, n) => onNs(n) });
  informers.informer(R.serviceAccounts).addEventHandler({
    delete: (sa) => {
      if (sa.metadata?.name === DEFAULT_SERVICE_ACCOUNT) enqueue(sa.metadata.namespace ?? '');
    },
  });
}
