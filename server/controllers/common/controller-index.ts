// Objects by the uid of their controller (upstream's pod controller-UID indexer, used here for
// every kind a controller owns: pods, ReplicaSets, Jobs, ControllerRevisions). A sync then
// looks up what its owner controls instead of scanning the whole namespace, which at 10,000
// pods in one namespace was O(pods) per sync. Objects without a controller are filed under
// their namespace's orphan key (upstream files them under one cluster-wide orphan key), so
// the orphans an owner may adopt are one lookup as well.

import type { KubeObject } from '../../../api/types.ts';
import type { Informer, InformerFactory, Lister, ResourceRef } from '../../../client/types.ts';
import { controllerRefOf } from './owners.ts';

export const CONTROLLER_UID_INDEX = 'controller-uid';

/** The index value of the objects in `namespace` that have no controller (a uid never has a '/'). */
export const orphanKey = (namespace: string): string => `orphan/${namespace}`;

export function controllerUidOf(obj: KubeObject): string[] {
  const ref = controllerRefOf(obj);
  return [ref ? ref.uid : orphanKey(obj.metadata?.namespace ?? '')];
}

/** Adds an index to an informer several controllers share, once (later calls are no-ops). */
export function ensureIndex<T extends KubeObject>(inf: Informer<T>, name: string, fn: (obj: T) => string[]): void {
  try {
    inf.addIndex(name, fn);
  } catch (e) {
    // Another controller on the same informer already added it.
    if (!(e instanceof Error) || !e.message.includes('already exists')) throw e;
  }
}

/** The lister of r's shared informer, indexed by controller uid. */
export function controllerIndexedLister<T extends KubeObject>(informers: InformerFactory, r: ResourceRef): Lister<T> {
  const inf = informers.informer<T>(r);
  ensureIndex(inf, CONTROLLER_UID_INDEX, controllerUidOf);
  return inf.lister;
}

/** The objects in owner's namespace whose controller is owner. */
export function controlledBy<T extends KubeObject>(lister: Lister<T>, owner: KubeObject): T[] {
  const uid = owner.metadata?.uid;
  if (!uid) return [];
  const ns = owner.metadata?.namespace ?? '';
  return lister.byIndex(CONTROLLER_UID_INDEX, uid).filter((o) => (o.metadata?.namespace ?? '') === ns);
}

/** What claim() needs to look at for owner: the objects it controls and the orphans of its namespace. */
export function claimCandidates<T extends KubeObject>(lister: Lister<T>, owner: KubeObject): T[] {
  const owned = controlledBy(lister, owner);
  const orphans = lister.byIndex(CONTROLLER_UID_INDEX, orphanKey(owner.metadata?.namespace ?? ''));
  return orphans.length ? owned.concat(orphans) : owned;
}
