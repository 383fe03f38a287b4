// Events on any watched object -> the object itself (its owners may be gone), its owners
// (a blocking dependent may have left), and on deletion its dependents (now orphaned).

import type { KubeObject } from '../../../api/types.ts';
import type { Enqueue } from '../common/types.ts';
import { gcKey, resolveOwnerRef, type OwnerGraph } from './graph.ts';

export function registerGarbageCollectorHandlers(graph: OwnerGraph, enqueue: Enqueue): void {
  for (const r of graph.monitored) {
    const inf = graph.informer(r);
    if (!inf) continue;
    const self = (o: KubeObject) => {
      const m = o.metadata ?? {};
      if (m.ownerReferences?.length || (m.deletionTimestamp && m.finalizers?.some((f) => f === 'orphan' || f === 'foregroundDeletion'))) {
        enqueue(gcKey(r, m.namespace ?? '', m.name ?? ''));
      }
    };
    const owners = (o: KubeObject) => {
      for (const ref of o.metadata?.ownerReferences ?? []) {
        const or = resolveOwnerRef(ref);
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
