// POST pods/{name}/binding: the scheduler's write of spec.nodeName (and PodScheduled). As
// upstream's binding storage writes the pod straight to storage, the binding records no
// managedFields entry (a bound pod's managers are its creator's and the kubelet's).

import { StatusError, conflict } from '../../../api/meta/errors.ts';
import type { SubresourceHandler } from '../api-context.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { SubresourceEnv } from './types.ts';

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string | null;
  lastProbeTime?: null;
}

export function podBindingHandler({ engine: pods }: SubresourceEnv): SubresourceHandler {
  return {
    create: async (ctx, name, body) => {
      const target = (body as { target?: { kind?: string; name?: string } }).target;
      if (!target?.name) {
        throw new StatusError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`, {
          name, kind: 'Binding', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }],
        });
      }
      // Copy on write: the pod given is the stored one, which the new pod shares all else with.
      await pods.updateWith(ctx, name, (pod) => {
        if (!pod) throw new StatusError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
        const spec = (pod.spec ?? {}) as { nodeName?: string };
        if (pod.metadata?.deletionTimestamp) throw conflict({ group: '', resource: 'pods/binding' }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
        if (spec.nodeName) throw conflict({ group: '', resource: 'pods/binding' }, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
        const status = (pod.status ?? {}) as { conditions?: Condition[] };
        const now = rfc3339(ctx.now);
        const conds = status.conditions ?? [];
        const at = conds.findIndex((x) => x.type === 'PodScheduled');
        const scheduled = at >= 0 ? { ...conds[at], status: 'True', lastTransitionTime: now } : { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
        const conditions = at >= 0 ? conds.map((c, i) => (i === at ? scheduled : c)) : [...conds, scheduled];
        return { ...pod, metadata: { ...pod.metadata }, spec: { ...spec, nodeName: target.name }, status: { ...status, conditions } };
      }, 'binding', false, { managedFields: false, copyOnWrite: true });
      return { object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, code: 201 };
    },
  };
}

