// What one new object adds to each resource a ResourceQuota names (upstream's quota
// evaluators, for a create): pods count and their compute requests and limits, services by
// type, claims and their storage, and `count/<resource>.<group>` for any namespaced kind. The
// arithmetic is the quota controller's (api/core/resource-quota/usage.ts), so what admission
// charges is what the controller later measures.

import { parseQuantity } from '../../../../../api/core/pod/quantity.ts';
import type { Container, PodSpec } from '../../../../../api/core/pod/types.ts';
import { isPodResource, podInScopes, podUsage, serviceUsage, type ResourceQuota } from '../../../../../api/core/resource-quota/usage.ts';
import type { KubeObject, ResourceType } from '../../../../../api/types.ts';

/** Legacy object-count names of core resources (the rest are `count/...`). */
const COUNTED_CORE = new Set(['configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);

/** What the object adds to a quota resource, or undefined when it does not count for it. */
export function usageDelta(rt: Pick<ResourceType, 'group' | 'plural'>, obj: KubeObject, resource: string): number | undefined {
  const core = rt.group === '';
  if (core && rt.plural === 'pods' && isPodResource(resource)) return podUsage([obj], resource);
  if (core && rt.plural === 'services') {
    const v = serviceUsage([obj], resource);
    if (v !== undefined) return v;
  }
  if (core && rt.plural === 'persistentvolumeclaims' && resource === 'requests.storage') {
    return parseQuantity((obj.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage) ?? 0;
  }
  if (core && resource === rt.plural && COUNTED_CORE.has(resource)) return 1;
  if (resource === `count/${rt.plural}${rt.group ? `.${rt.group}` : ''}`) return 1;
  return undefined;
}

interface ScopeExpression {
  scopeName?: string;
  operator?: string;
  values?: string[];
}

/** Whether a quota's scopes (and scopeSelector) select the object: scoped quotas count pods only. */
export function quotaMatches(quota: ResourceQuota, rt: Pick<ResourceType, 'group' | 'plural'>, obj: KubeObject): boolean {
  const scopes = quota.spec?.scopes ?? [];
  const exprs = ((quota.spec as { scopeSelector?: { matchExpressions?: ScopeExpression[] } } | undefined)?.scopeSelector?.matchExpressions ?? []);
  if (!scopes.length && !exprs.length) return true;
  if (rt.group !== '' || rt.plural !== 'pods') return false;
  if (!podInScopes(obj, scopes)) return false;
  return exprs.every((e) => {
    if (e.scopeName === 'PriorityClass') {
      const pc = (obj.spec as PodSpec | undefined)?.priorityClassName;
      switch (e.operator) {
        case 'In': return pc !== undefined && (e.values ?? []).includes(pc);
        case 'NotIn': return pc === undefined || !(e.values ?? []).includes(pc);
        case 'Exists': return pc !== undefined && pc !== '';
        case 'DoesNotExist': return !pc;
        default: return false;
      }
    }
    return podInScopes(obj, [e.scopeName ?? '']);
  });
}

const VALIDATION_SET = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/**
 * Upstream's pod constraint: when a quota limits cpu or memory, every container must say its
 * request (and limit) for it. The problem in upstream's words, or undefined.
 */
export function podConstraintError(pod: KubeObject, hard: string[]): string | undefined {
  const required = hard.filter((r) => VALIDATION_SET.includes(r));
  if (!required.length) return undefined;
  const missing = new Map<string, Set<string>>();
  const spec = (pod.spec ?? {}) as PodSpec;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as Container[]) {
    const has = new Set<string>();
    for (const r of Object.keys(c.resources?.requests ?? {})) has.add(r).add(`requests.${r}`);
    for (const r of Object.keys(c.resources?.limits ?? {})) has.add(`limits.${r}`);
    for (const r of required) if (!has.has(r)) (missing.get(r) ?? missing.set(r, new Set()).get(r)!).add(c.name ?? '');
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}
