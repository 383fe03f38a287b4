// Namespaces and the kube-root-ca.crt ConfigMaps -> namespace keys.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { R } from '../common/resources.ts';
import { ROOT_CA_CONFIGMAP } from './reconcile.ts';

export function registerRootCAHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const onNs = (ns: KubeObject) => enqueue(ns.metadata?.name ?? '');
  informers.informer(R.namespaces).addEventHandler({ add: onNs, update: (_o, n) => onNs(n) });
  const onCm = (cm: KubeObject) => {
    if (cm.metadata?.name === ROOT_CA_CONFIGMAP) enqueue(cm.metadata.namespace ?? '');
  };
  informers.informer(R.configMaps).addEventHandler({ update: (_o, n) => onCm(n), delete: onCm });
}
