// ReplicaSet events -> its key; pod events -> the owning ReplicaSet (noting creations and
// deletions for the expectations), or for an orphan every ReplicaSet whose selector matches.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Expectations } from '../common/expectations.ts';
import type { Enqueue } from '../common/types.ts';
import { keyOf } from '../common/keys.ts';
import { podOwnerHandlers } from '../common/pod-owner-handlers.ts';
import { R } from '../common/resources.ts';
import type { ReplicaKind, ReplicaSet } from './kinds.ts';

export function registerReplicaSetHandlers(informers: InformerFactory, kind: ReplicaKind, exp: Expectations, enqueue: Enqueue): void {
  const rsInformer = informers.informer<ReplicaSet>(kind.r);
  const onRs = (rs: KubeObject) => enqueue(keyOf(rs));
  rsInformer.addEventHandler({ add: onRs, update: (_o, n) => onRs(n), delete: onRs });

  informers.informer(R.pods).addEventHandler(podOwnerHandlers({ kind: kind.r.kind, owners: rsInformer, selector: kind.selector }, exp, enqueue));
}
