// Job events -> its key; pod events -> the controlling Job (noting creations and deletions
// for the expectations).

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Expectations } from '../common/expectations.ts';
import type { Enqueue } from '../common/types.ts';
import { keyFor, keyOf } from '../common/keys.ts';
import { controllerRefOf } from '../common/owners.ts';
import { R } from '../common/resources.ts';

export function registerJobHandlers(informers: InformerFactory, exp: Expectations, enqueue: Enqueue): void {
  const onJob = (j: KubeObject) => enqueue(keyOf(j));
  informers.informer(R.jobs).addEventHandler({ add: onJob, update: (_o, n) => onJob(n), delete: onJob });
  const owner = (pod: KubeObject) => {
    const ref = controllerRefOf(pod);
    return ref?.kind === 'Job' ? keyFor(pod.metadata?.namespace ?? '', ref.name) : undefined;
  };
  informers.informer(R.pods).addEventHandler({
    add: (pod) => {
      const k = owner(pod);
      if (!k) return;
      exp.creationObserved(k);
      enqueue(k);
    },
    update: (old, pod) => {
      const k = owner(pod);
      if (!k) return;
      if (pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) exp.deletionObserved(k, keyOf(pod));
      enqueue(k);
    },
    delete: (pod) => {
      const k = owner(pod);
      if (!k) return;
      exp.deletionObserved(k, keyOf(pod));
      enqueue(k);
    },
  });
}
