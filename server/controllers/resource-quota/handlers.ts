// Quota events -> the quota's key; events of anything a quota counts -> every quota in that
// object's namespace. Resources beyond the usual ones (count/<resource>.<group>) get a
// handler the first time a quota names them.

import type { KubeObject, ResourceType } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { keyOf } from '../common/keys.ts';
import { R } from '../common/resources.ts';
import { PVCS, QUOTAS } from '../node-lifecycle/resources.ts';

export interface QuotaHandlers {
  /** Makes events of this resource requeue its namespace's quotas (once per resource). */
  watchResource(rt: ResourceType): void;
}

export function registerResourceQuotaHandlers(informers: InformerFactory, enqueue: Enqueue): QuotaHandlers {
  const quotas = informers.informer(QUOTAS);
  const onQuota = (q: KubeObject) => enqueue(keyOf(q));
  quotas.addEventHandler({ add: onQuota, update: (o, n) => (JSON.stringify(o.spec) !== JSON.stringify(n.spec) || !n.status ? onQuota(n) : undefined) });
  const quotasOf = (o: KubeObject) => quotas.lister.list(o.metadata?.namespace ?? '');
  const onObject = (o: KubeObject) => {
    for (const q of quotasOf(o)) enqueue(keyOf(q));
  };
  /** Only what can change usage: a pod's phase or resources, a service's type, a claim's size. */
  const usageOf = (o: KubeObject) => JSON.stringify([o.spec, (o.status as { phase?: string } | undefined)?.phase]);
  const watched = new Set<string>([`${QUOTAS.group}/${QUOTAS.plural}`]);
  const watchResource = (rt: ResourceType) => {
    const id = `${rt.group}/${rt.plural}`;
    if (watched.has(id)) return;
    watched.add(id);
    informers.informer(rt).addEventHandler({
      add: onObject,
      delete: onObject,
      // Most namespaces have no quota: look for one before comparing the objects.
      update: (o, n) => {
        const qs = quotasOf(n);
        if (qs.length && usageOf(o) !== usageOf(n)) for (const q of qs) enqueue(keyOf(q));
      },
    });
  };
  for (const rt of [R.pods, R.services, R.configMaps, R.secrets, PVCS, R.replicationControllers]) watchResource(rt);
  return { watchResource };
}
