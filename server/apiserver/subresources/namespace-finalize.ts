// PUT namespaces/{name}/finalize: the namespace controller's way to clear spec.finalizers.

import { StatusError, badRequest } from '../../../api/meta/errors.ts';
import type { SubresourceHandler } from '../api-context.ts';
import type { SubresourceEnv } from './types.ts';

export function namespaceFinalizeHandler({ engine: namespaces }: SubresourceEnv): SubresourceHandler {
  return {
    get: (ctx, name) => namespaces.get(ctx, name),
    update: async (ctx, name, body) => {
      const wanted = (body.spec as { finalizers?: unknown } | undefined)?.finalizers;
      if (wanted !== undefined && (!Array.isArray(wanted) || wanted.some((f) => typeof f !== 'string'))) {
        throw badRequest('spec.finalizers must be a list of strings');
      }
      const r = await namespaces.updateWith(ctx, name, (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', `namespaces "${name}" not found`, { name, kind: 'namespaces' });
        const spec = (cur.spec ??= {}) as { finalizers?: string[] };
        if (wanted && wanted.length) spec.finalizers = wanted as string[];
        else delete spec.finalizers;
        return cur;
      }, 'finalize', false);
      return { object: r.object, created: false };
    },
  };
}

