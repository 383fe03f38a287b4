// Events on any watched object -> the object itself (its owners may be gone), its owners
// (a blocking dependent may have left), and on deletion its dependents (now orphaned).

import type { KubeObject, OwnerReference } from '../../../api/types.ts';
import type { Enqueue } from '../common/types.ts';
import type { ResourceRef } from '../../../client/types.ts';
import { gcKey, type OwnerGraph } from './graph.ts';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './reconcile.ts';

/** The owner is cached with this uid and not waiting on its dependents (or its kind is not watched). */
function ownerStands(graph: OwnerGraph, ref: OwnerReference, namespace: string): boolean {
  const found = graph.cachedOwner(ref, namespace);
  if (!found) return true;
  const m = found.obj?.metadata;
  if (!m || m.uid !== ref.uid) return false;
  return !(m.deletionTimestamp && m.finalizers?.includes(FOREGROUND_FINALIZER));
}

export function registerGarbageCollectorHandlers(graph: OwnerGraph, enqueue: Enqueue): void {
  for (const r of graph.monitored) registerFor(graph, r, enqueue);
  graph.onAdd((r) => registerFor(graph, r, enqueue));
}

function registerFor(graph: OwnerGraph, r: ResourceRef, enqueue: Enqueue): void {
  {
    const inf = graph.informer(r);
    if (!inf) return;
    const self = (o: KubeObject) => {
      const m = o.metadata ?? {};
      if (m.deletionTimestamp && m.finalizers?.some((f) => f === ORPHAN_FINALIZER || f === FOREGROUND_FINALIZER)) {
        enqueue(gcKey(r, m.namespace ?? '', m.name ?? ''));
        return;
      }
      // An object whose owners all stand in the cache needs nothing (the reconcile would find
      // them solid); an owner's own delete or deletion later requeues it as a dependent.
      // Upstream's graph builder likewise acts on an object only when an owner is absent.
      const refs = m.ownerReferences;
      if (refs?.length && !refs.every((ref) => ownerStands(graph, ref, m.namespace ?? ''))) enqueue(gcKey(r, m.namespace ?? '', m.name ?? ''));
    };
    const owners = (o: KubeObject) => {
      for (const ref of o.metadata?.ownerReferences ?? []) {
        const or = graph.resolve(ref);
        if (or) enqueue(gcKey(or, or.namespaced ? (o.metadata?.namespace ?? '') : '', ref.name));
      }
    };
    const dependents = (o: KubeObject) => {
      for (const d of graph.dependents(o.metadata?.uid ?? '')) enqueue(gcKey(d.r, d.obj.metadata?.namespace ?? '', d.obj.metadata?.name ?? ''));
    };
    inf.addEventHandler({
      add: self,
      update: (old, next) => {
        self(next);
        if (JSON.stringify(old.metadata?.ownerReferences) !== JSON.stringify(next.metadata?.ownerReferences)) owners(old);
        if (next.metadata?.deletionTimestamp) {
          owners(next);
          dependents(next);
        }
      },
      delete: (o) => {
        owners(o);
        dependents(o);
      },
    });
  }
}
