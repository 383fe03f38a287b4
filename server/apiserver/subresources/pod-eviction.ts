// POST pods/{name}/eviction: a delete that respects PodDisruptionBudgets (what kubectl drain
// uses). A budget with no disruptions left answers 429, as upstream does; otherwise the
// budget's disruptionsAllowed is spent (recorded in status.disruptedPods) and the pod deleted.

import type { KubeObject } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import { labelSelectorFromObject, type LabelSelector } from '../../../api/meta/labels.ts';
import type { SubresourceHandler } from '../api-context.ts';
import type { DeleteOptions, RequestContext } from '../registry/types.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { SubresourceEnv } from './types.ts';

interface PdbStatus {
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
}

function budgetsFor(pod: KubeObject, pdbs: KubeObject[]): KubeObject[] {
  return pdbs.filter((pdb) => {
    const sel = (pdb.spec as { selector?: LabelSelector } | undefined)?.selector;
    if (!sel) return false;
    const s = labelSelectorFromObject(sel);
    return !s.empty && s.matches(pod.metadata?.labels);
  });
}

function tooManyRequests(message: string, cause?: string): StatusError {
  return new StatusError(429, 'TooManyRequests', message, {
    causes: cause ? [{ reason: 'DisruptionBudget', message: cause }] : undefined,
  });
}

export function podEvictionHandler({ engine: pods, engineOf }: SubresourceEnv): SubresourceHandler {
  const pdbs = engineOf('policy', 'poddisruptionbudgets');
  return {
    accepts: ['policy/v1beta1'],
    create: async (ctx: RequestContext, name: string, body: KubeObject) => {
      const pod = await pods.get(ctx, name);
      const deleteOptions = ((body as { deleteOptions?: DeleteOptions }).deleteOptions ?? {}) as DeleteOptions;
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      const bound = !!(pod.spec as { nodeName?: string } | undefined)?.nodeName;
      const done = { object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as KubeObject, code: 201 };
      // Terminal, unscheduled or already-deleting pods disrupt nothing: evict without a budget.
      if (phase === 'Succeeded' || phase === 'Failed' || !bound || pod.metadata?.deletionTimestamp) {
        await pods.delete(ctx, name, deleteOptions);
        return done;
      }
      const page = await pdbs.list(ctx, {});
      const matching = budgetsFor(pod, page.items);
      if (matching.length > 1) {
        throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      }
      if (matching.length === 1) {
        const pdbName = matching[0].metadata?.name ?? '';
        await pdbs.updateWith(ctx, pdbName, (cur) => {
          if (!cur) throw new StatusError(404, 'NotFound', `poddisruptionbudgets.policy "${pdbName}" not found`);
          const status = (cur.status ??= {}) as PdbStatus;
          const gen = cur.metadata?.generation ?? 0;
          if ((status.observedGeneration ?? -1) < gen) {
            throw tooManyRequests('Cannot evict pod as it would violate the pod\'s disruption budget.', `The disruption budget ${pdbName} is still being processed by the server.`);
          }
          if ((status.disruptionsAllowed ?? 0) <= 0) {
            throw tooManyRequests(
              'Cannot evict pod as it would violate the pod\'s disruption budget.',
              `The disruption budget ${pdbName} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
            );
          }
          status.disruptionsAllowed = (status.disruptionsAllowed ?? 0) - 1;
          status.disruptedPods = { ...(status.disruptedPods ?? {}), [name]: rfc3339(ctx.now) };
          return cur;
        }, 'status', false);
      }
      await pods.delete(ctx, name, deleteOptions);
      return done;
    },
  };
}
