// Controller references: who owns an object, building one, and the adopt/release writes
// (full updates guarded by resourceVersion, so a concurrent change makes them retry).

import type { KubeObject, OwnerReference } from '../../../api/types.ts';
import type { Client, ResourceRef } from '../../../client/types.ts';
import { apiVersionOf } from './resources.ts';
import { clone } from './keys.ts';

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: KubeObject, rt: { group: string; version: string; kind: string }): OwnerReference {
  return {
    apiVersion: apiVersionOf(rt),
    kind: rt.kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether obj's controller is exactly this owner (same uid). */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && ref.uid === owner.metadata?.uid;
}

/** Makes owner the controller of obj (which must have no controller). */
export async function adopt(client: Client, r: ResourceRef, obj: KubeObject, ref: OwnerReference): Promise<KubeObject> {
  const next = clone(obj);
  const m = (next.metadata ??= {});
  m.ownerReferences = [...(m.ownerReferences ?? []), ref];
  return client.update(r, m.namespace ?? '', next);
}

/** Drops the owner reference with this uid from obj. */
export async function release(client: Client, r: ResourceRef, obj: KubeObject, ownerUid: string): Promise<KubeObject> {
  const next = clone(obj);
  const m = (next.metadata ??= {});
  m.ownerReferences = (m.ownerReferences ?? []).filter((o) => o.uid !== ownerUid);
  if (m.ownerReferences.length === 0) delete m.ownerReferences;
  return client.update(r, m.namespace ?? '', next);
}
