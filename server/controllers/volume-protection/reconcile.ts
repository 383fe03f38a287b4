// The storage-object-in-use protection controllers (upstream's pvc-protection and
// pv-protection). Each makes sure its finalizer is on every live object, and takes it off an
// object being deleted once nothing uses it: a claim while a pod that is not finished mounts
// it (checked against a live list, not only the cache, as upstream does), a volume while it
// is Bound.

import {
  podClaimNames, PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, type PersistentVolume, type PersistentVolumeClaim,
} from '../../../api/core/persistent-volume/binding.ts';
import type { KubeObject } from '../../../api/types.ts';
import type { Client, ResourceRef, Result } from '../../../client/types.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { clone, splitKey } from '../common/keys.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import type { ControllerContext } from '../common/types.ts';
import { PVCS_R, PVS } from '../persistentvolume/resources.ts';

const finished = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
export const podUsesClaim = (p: Pod, claim: string) => !finished(p) && podClaimNames(p as never).includes(claim);

async function setFinalizer(client: Client, r: ResourceRef, obj: KubeObject, finalizer: string, on: boolean): Promise<Result> {
  const has = (obj.metadata?.finalizers ?? []).includes(finalizer);
  if (has === on) return {};
  const next = clone(obj);
  const rest = (next.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
  next.metadata = { ...next.metadata, finalizers: on ? [...rest, finalizer] : rest };
  try {
    await client.update(r, obj.metadata?.namespace ?? '', next);
  } catch (e) {
    if (isNotFound(e)) return {};
    if (isConflict(e)) return { requeueAfterMs: 200 };
    throw e;
  }
  return {};
}

export function newPvcProtectionReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, log } = deps;
  const claims = informers.informer<PersistentVolumeClaim>(PVCS_R).lister;
  const pods = informers.informer<Pod>(R.pods).lister;
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const c = claims.get(namespace, name);
    if (!c) return {};
    if (!c.metadata?.deletionTimestamp) return setFinalizer(client, PVCS_R, c, PVC_PROTECTION_FINALIZER, true);
    if (!(c.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) return {};
    if (pods.list(namespace).some((p) => podUsesClaim(p, name))) return {};
    const live = await client.list<Pod>(R.pods, namespace);
    if (live.items.some((p) => podUsesClaim(p, name))) return {};
    log.info('claim no longer in use: removing its protection finalizer', { namespace, name });
    return setFinalizer(client, PVCS_R, c, PVC_PROTECTION_FINALIZER, false);
  };
}

export function newPvProtectionReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers } = deps;
  const volumes = informers.informer<PersistentVolume>(PVS).lister;
  return async (name) => {
    const v = volumes.get('', name);
    if (!v) return {};
    if (!v.metadata?.deletionTimestamp) return setFinalizer(client, PVS, v, PV_PROTECTION_FINALIZER, true);
    if (v.status?.phase === 'Bound') return {};
    return setFinalizer(client, PVS, v, PV_PROTECTION_FINALIZER, false);
  };
}
