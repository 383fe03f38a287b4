// CronJob events -> its key; Job events -> the controlling CronJob.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { keyFor, keyOf } from '../common/keys.ts';
import { controllerRefOf } from '../common/owners.ts';
import { R } from '../common/resources.ts';

export function registerCronJobHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const onCj = (cj: KubeObject) => enqueue(keyOf(cj));
  informers.informer(R.cronJobs).addEventHandler({ add: onCj, update: (_o, n) => onCj(n) });
  const onJob = (j: KubeObject) => {
    const ref = controllerRefOf(j);
    if (ref?.kind === 'CronJob') enqueue(keyFor(j.metadata?.namespace ?? '', ref.name));
  };
  informers.informer(R.jobs).addEventHandler({ add: onJob, update: (_o, n) => onJob(n), delete: onJob });
}
