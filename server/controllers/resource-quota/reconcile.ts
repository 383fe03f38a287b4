// The resource quota controller: keeps each ResourceQuota's status.hard equal to spec.hard
// and status.used the namespace's current usage of each resource named there: object counts
// (pods, services, configmaps, secrets, persistentvolumeclaims, count/<resource>.<group>...)
// and the compute requests and limits of its non-terminal pods, within the quota's scopes.
// Enforcement is admission's job; this only measures. Every quota is recounted every 5 min.

import type { KubeObject, ResourceType } from '../../../api/types.ts';
import { parseQuantity } from '../../../api/core/pod/quantity.ts';
import type { Lister, Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { splitKey } from '../common/keys.ts';
import { R, registry } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import { PVCS, QUOTAS } from '../node-lifecycle/resources.ts';
import { formatQuantity, isBinary, isPodResource, podCounts, podInScopes, podUsage, serviceUsage, type ResourceQuota } from '../../../api/core/resource-quota/usage.ts';

/** Upstream's resource-quota-sync-period. */
export const QUOTA_RESYNC_MS = 5 * 60 * 1000;

/** Plain names that count objects of a core resource. */
const COUNTED: Record<string, ResourceType> = {
  configmaps: R.configMaps,
  secrets: R.secrets,
  persistentvolumeclaims: PVCS,
  replicationcontrollers: R.replicationControllers,
  resourcequotas: QUOTAS,
};

/** The resource a `count/<plural>[.<group>]` name counts, in its preferred version. */
export function countedResource(name: string): ResourceType | undefined {
  if (!name.startsWith('count/')) return COUNTED[name];
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  const [plural, group] = dot < 0 ? [rest, ''] : [rest.slice(0, dot), rest.slice(dot + 1)];
  const version = registry.preferredVersion(group);
  const candidates = registry.all().filter((rt) => rt.group === group && rt.plural === plural && rt.namespaced);
  return candidates.find((rt) => rt.version === version) ?? candidates[0];
}

export interface ResourceQuotaDeps extends ControllerContext {
  /** Told about each resource a quota counts, so its events can requeue the namespace's quotas. */
  watchResource?: (rt: ResourceType) => void;
}

export function newResourceQuotaReconciler(deps: ResourceQuotaDeps): (key: string) => Promise<Result> {
  const { client, informers, clock } = deps;
  const quotaLister = informers.informer<ResourceQuota>(QUOTAS).lister;
  const listerFor = (rt: ResourceType): Lister<KubeObject> => {
    deps.watchResource?.(rt);
    return informers.informer(rt).lister;
  };

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const quota = quotaLister.get(namespace, name);
    if (!quota || quota.metadata?.deletionTimestamp) return {};
    const now = clock.now();
    const hard = quota.spec?.hard ?? {};
    let pods: KubeObject[] | undefined;
    const used: Record<string, string> = {};
    for (const [resource, limit] of Object.entries(hard)) {
      let value: number | undefined;
      if (isPodResource(resource)) {
        pods ??= listerFor(R.pods).list(namespace).filter((p) => podCounts(p, now) && podInScopes(p, quota.spec?.scopes));
        value = podUsage(pods, resource);
      } else if (resource.startsWith('services') || resource === 'count/services') {
        value = serviceUsage(listerFor(R.services).list(namespace), resource);
      } else if (resource === 'requests.storage') {
        value = listerFor(PVCS).list(namespace).reduce((a, c) => a + (parseQuantity((c.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage) ?? 0), 0);
      } else {
        const rt = countedResource(resource);
        if (rt) value = listerFor(rt).list(namespace).length;
      }
      if (value !== undefined) used[resource] = formatQuantity(value, isBinary(limit));
    }
    const status = { hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, String(v)])), used };
    await writeStatus(client, QUOTAS, quota, status);
    return { requeueAfterMs: QUOTA_RESYNC_MS };
  };
}
