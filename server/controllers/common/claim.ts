// Upstream's ControllerRefManager: a controller owns the objects whose controller reference
// points at it and its selector matches; it adopts matching orphans (after checking live that
// it is not being deleted) and releases owned objects that stopped matching.

import type { KubeObject } from '../../../api/types.ts';
import type { Selector } from '../../../api/meta/labels.ts';
import type { Client, ResourceRef } from '../../../client/types.ts';
import { isConflict, isNotFound } from './errors.ts';
import { adopt, controllerRefOf, newControllerRef, release } from './owners.ts';

export interface ClaimOptions {
  client: Client;
  owner: KubeObject;
  ownerRt: { group: string; version: string; kind: string } & ResourceRef;
  /** The resource of the objects claimed (pods, replicasets). */
  r: ResourceRef;
  selector: Selector;
}

export async function claim<T extends KubeObject>(o: ClaimOptions, candidates: T[]): Promise<T[]> {
  const uid = o.owner.metadata?.uid;
  const ownerDeleting = Boolean(o.owner.metadata?.deletionTimestamp);
  const owned: T[] = [];
  let adoptable: boolean | undefined;
  const canAdopt = async () => {
    if (adoptable !== undefined) return adoptable;
    try {
      const fresh = await o.client.get(o.ownerRt, o.owner.metadata?.namespace ?? '', o.owner.metadata?.name ?? '');
      adoptable = fresh.metadata?.uid === uid && !fresh.metadata?.deletionTimestamp;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      adoptable = false;
    }
    return adoptable;
  };
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = o.selector.matches(obj.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches || ownerDeleting) {
        owned.push(obj);
        continue;
      }
      try {
        await release(o.client, o.r, obj, uid ?? '');
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp) continue;
    if (!(await canAdopt())) continue;
    try {
      owned.push((await adopt(o.client, o.r, obj, newControllerRef(o.owner, o.ownerRt))) as T);
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
  return owned;
}
