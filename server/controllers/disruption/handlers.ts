// Budget events -> the budget's key; pod events -> every budget in the pod's namespace whose
// selector matches it (old and new labels); a scale change of a workload -> the budgets in its
// namespace that select its template's pods.

import type { KubeObject } from '../../../api/types.ts';
import type { InformerFactory } from '../../../client/types.ts';
import type { Enqueue } from '../common/types.ts';
import { keyOf } from '../common/keys.ts';
import { R } from '../common/resources.ts';
import { PDBS } from '../node-lifecycle/resources.ts';
import type { PodDisruptionBudget } from './budget.ts';
import { pdbSelector } from './reconcile.ts';

export function registerDisruptionHandlers(informers: InformerFactory, enqueue: Enqueue): void {
  const pdbInformer = informers.informer<PodDisruptionBudget>(PDBS);
  const onPdb = (p: KubeObject) => enqueue(keyOf(p));
  pdbInformer.addEventHandler({ add: onPdb, update: (_o, n) => onPdb(n) });
  const matching = (ns: string, labels: Record<string, string> | undefined) => {
    for (const pdb of pdbInformer.lister.list(ns)) if (pdbSelector(pdb).matches(labels)) enqueue(keyOf(pdb));
  };
  const onPod = (p: KubeObject) => matching(p.metadata?.namespace ?? '', p.metadata?.labels);
  informers.informer(R.pods).addEventHandler({
    add: onPod,
    update: (o, n) => {
      // Most namespaces have no budget: look for one before comparing labels.
      if (pdbInformer.lister.list(n.metadata?.namespace ?? '').length === 0) return;
      onPod(n);
      if (JSON.stringify(o.metadata?.labels) !== JSON.stringify(n.metadata?.labels)) onPod(o);
    },
    delete: onPod,
  });
  type Workload = KubeObject & { spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } } };
  for (const r of [R.replicaSets, R.deployments, R.statefulSets, R.replicationControllers]) {
    informers.informer<Workload>(r).addEventHandler({
      update: (o, n) => {
        if (o.spec?.replicas !== n.spec?.replicas) matching(n.metadata?.namespace ?? '', n.spec?.template?.metadata?.labels);
      },
    });
  }
}
