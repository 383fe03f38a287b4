// The garbage collector. For an object being deleted with the `orphan` finalizer, its
// dependents lose their reference to it, then the finalizer goes. With `foregroundDeletion`,
// its dependents are deleted and the finalizer goes once no blocking dependent is left.
// Otherwise, an object all of whose owners are gone (absent, or a different uid) is deleted,
// and references to owners that are gone are dropped when some owner remains.

import type { KubeObject, OwnerReference } from '../../../api/types.ts';
import type { DeleteOptions, ResourceRef, Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { clone } from '../common/keys.ts';
import { DISCOVERY_KEY, parseGcKey, type OwnerGraph } from './graph.ts';
import { discoverResources } from '../common/discovery.ts';

/** How often discovery is read again without a CRD event asking for it. */
export const DISCOVERY_RESYNC_MS = 30_000;

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

type OwnerState = 'solid' | 'dangling' | 'waiting';

export function newGarbageCollectorReconciler(deps: ControllerContext & { graph: OwnerGraph }): (key: string) => Promise<Result> {
  const { client, graph } = deps;

  /** The live owner, confirmed with the apiserver when the cache says it is gone. */
  async function ownerState(ref: OwnerReference, namespace: string): Promise<OwnerState> {
    const found = graph.cachedOwner(ref, namespace);
    if (!found) return 'solid'; // an unknown kind: never delete on a guess
    let owner = found.obj;
    if (!owner || owner.metadata?.uid !== ref.uid) {
      try {
        owner = await client.get(found.r, found.r.namespaced ? namespace : '', ref.name);
      } catch (e) {
        if (isNotFound(e)) return 'dangling';
        throw e;
      }
    }
    if (owner.metadata?.uid !== ref.uid) return 'dangling';
    if (owner.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) return 'waiting';
    return 'solid';
  }

  async function removeFinalizer(r: ResourceRef, obj: KubeObject, finalizer: string): Promise<void> {
    const next = clone(obj);
    next.metadata!.finalizers = (next.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    await client.update(r, obj.metadata?.namespace ?? '', next);
  }

  async function orphanDependents(owner: KubeObject): Promise<void> {
    for (const d of graph.dependents(owner.metadata?.uid ?? '')) {
      const next = clone(d.obj);
      next.metadata!.ownerReferences = (next.metadata?.ownerReferences ?? []).filter((o) => o.uid !== owner.metadata?.uid);
      try {
        await client.update(d.r, d.obj.metadata?.namespace ?? '', next);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** Deletes the dependents of an owner in foreground deletion; true when none blocks it any more. */
  async function deleteDependents(owner: KubeObject): Promise<boolean> {
    const uid = owner.metadata?.uid ?? '';
    let blocking = 0;
    for (const d of graph.dependents(uid)) {
      const ref = d.obj.metadata?.ownerReferences?.find((o) => o.uid === uid);
      if (ref?.blockOwnerDeletion) blocking++;
      if (d.obj.metadata?.deletionTimestamp) continue;
      const hasOwn = graph.dependents(d.obj.metadata?.uid ?? '').length > 0;
      await del(d.r, d.obj, hasOwn ? 'Foreground' : 'Background');
    }
    return blocking === 0;
  }

  async function del(r: ResourceRef, obj: KubeObject, policy: DeleteOptions['propagationPolicy']): Promise<void> {
    try {
      await client.delete(r, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', { propagationPolicy: policy, preconditions: { uid: obj.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  /** Watches every deletable resource discovery lists now; looks again later (upstream: 30 s). */
  async function syncMonitors(): Promise<Result> {
    const found = await discoverResources(client);
    for (const r of found ?? []) {
      if (['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) graph.add({ group: r.group, version: r.version, plural: r.plural, kind: r.kind, namespaced: r.namespaced });
    }
    return found ? { requeueAfterMs: DISCOVERY_RESYNC_MS } : {};
  }

  return async (key) => {
    if (key === DISCOVERY_KEY) return syncMonitors();
    const k = parseGcKey(key);
    const r = graph.resource(k.group, k.plural);
    const inf = r && graph.informer(r);
    if (!r || !inf) return {};
    let obj = inf.lister.get(k.namespace, k.name);
    if (!obj) return {};
    const m = obj.metadata ?? {};

    if (m.deletionTimestamp) {
      if (m.finalizers?.includes(ORPHAN_FINALIZER)) {
        await orphanDependents(obj);
        await removeFinalizer(r, obj, ORPHAN_FINALIZER);
        return {};
      }
      if (m.finalizers?.includes(FOREGROUND_FINALIZER)) {
        if (await deleteDependents(obj)) await removeFinalizer(r, obj, FOREGROUND_FINALIZER);
        return {};
      }
    }

    const refs = m.ownerReferences ?? [];
    if (refs.length === 0) return {};
    const states = await Promise.all(refs.map((ref) => ownerState(ref, m.namespace ?? '')));
    const solid = states.filter((s) => s === 'solid').length;
    const dangling = refs.filter((_, i) => states[i] === 'dangling');
    const waiting = refs.filter((_, i) => states[i] === 'waiting');

    if (solid > 0) {
      if (dangling.length === 0 && waiting.length === 0) return {};
      // Keep the object: forget owners that are gone, and stop blocking owners that wait.
      obj = clone(obj);
      obj.metadata!.ownerReferences = refs
        .filter((ref) => !dangling.includes(ref))
        .map((ref) => (waiting.includes(ref) ? { ...ref, blockOwnerDeletion: false } : ref));
      try {
        await client.update(r, m.namespace ?? '', obj);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return {};
    }
    if (m.deletionTimestamp) return {};
    const hasDependents = graph.dependents(m.uid ?? '').length > 0;
    const policy: DeleteOptions['propagationPolicy'] =
      m.finalizers?.includes(ORPHAN_FINALIZER) ? 'Orphan'
      : (waiting.length > 0 && hasDependents) || m.finalizers?.includes(FOREGROUND_FINALIZER) ? 'Foreground'
      : 'Background';
    await del(r, obj, policy);
    return {};
  };
}
