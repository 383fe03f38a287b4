// clusterrole-aggregation: a ClusterRole with an aggregationRule holds the rules of the
// ClusterRoles its selectors match (admin, edit and view gather the aggregate-to-* roles and
// whatever a CRD's installer labels). Any ClusterRole change re-checks every aggregated role.

import type { KubeObject } from '../../../api/types.ts';
import type { Result } from '../../../client/types.ts';
import { aggregatedRules, aggregationSelectors } from '../../../api/rbac/aggregation.ts';
import type { ControllerContext, ControllerDefinition } from '../common/types.ts';
import { isNotFound } from '../common/errors.ts';
import { clone } from '../common/keys.ts';
import { R } from '../common/resources.ts';

export const NAME = 'clusterrole-aggregation';

export function newClusterRoleAggregationReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const lister = deps.informers.informer(R.clusterRoles).lister;
  return async (name) => {
    const role = lister.get('', name);
    if (!role) return {};
    const want = aggregatedRules(role, lister.list(''));
    if (!want || JSON.stringify(want) === JSON.stringify(role.rules ?? [])) return {};
    const next = clone(role);
    next.rules = want;
    try {
      await deps.client.update(R.clusterRoles, '', next);
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    return {};
  };
}

export function clusterRoleAggregationController(o: ControllerContext): ControllerDefinition {
  return {
    name: NAME,
    workers: 1,
    register(enqueue) {
      const informer = o.informers.informer(R.clusterRoles);
      const all = () => {
        for (const r of informer.lister.list('')) if (aggregationSelectors(r)) enqueue(r.metadata?.name ?? '');
      };
      const one = (_r: KubeObject) => all();
      informer.addEventHandler({ add: one, update: (_o, n) => one(n), delete: one });
    },
    reconcile: newClusterRoleAggregationReconciler(o),
  };
}
