// ResourceQuota: refuses a create that would take a namespace past one of its quotas, as
// upstream's plugin: `exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`.
// The quota's status.used is charged at once (a compare-and-swap on the quota, retried on
// conflict) so that two creates racing for the last unit cannot both pass; the quota
// controller later recounts from what is stored. A quota whose status the controller has not
// written yet refuses (`status unknown for quota`), as upstream. Updates are not charged.

import type { ResourceQuota } from '../../../../../api/core/resource-quota/usage.ts';
import { formatQuantity, isBinary } from '../../../../../api/core/resource-quota/usage.ts';
import { parseQuantity } from '../../../../../api/core/pod/quantity.ts';
import type { KubeObject } from '../../../../../api/types.ts';
import { forbidden } from '../../errors.ts';
import type { AdmissionDeps, AdmissionPlugin, Attributes } from '../../types.ts';
import { podConstraintError, quotaMatches, usageDelta } from './usage.ts';

export const NAME = 'ResourceQuota';

type Charge = { quota: ResourceQuota; deltas: Record<string, number> };
const pretty = (m: Record<string, string>) => Object.keys(m).sort().map((k) => `${k}=${m[k]}`).join(',');

/** The charges the object makes on each quota, or the refusal's message. */
export function charges(a: Pick<Attributes, 'resource'>, obj: KubeObject, quotas: ResourceQuota[]): Charge[] | string {
  const out: Charge[] = [];
  for (const quota of [...quotas].sort((x, y) => ((x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1))) {
    if (!quotaMatches(quota, a.resource, obj)) continue;
    const deltas: Record<string, number> = {};
    for (const r of Object.keys(quota.spec?.hard ?? {})) {
      const d = usageDelta(a.resource, obj, r);
      if (d !== undefined) deltas[r] = d;
    }
    const interesting = Object.keys(deltas);
    if (!interesting.length) continue;
    const name = quota.metadata?.name ?? '';
    if (a.resource.group === '' && a.resource.plural === 'pods') {
      const err = podConstraintError(obj, interesting);
      if (err) return `failed quota: ${name}: ${err}`;
    }
    const unknown = interesting.filter((r) => quota.status?.hard?.[r] === undefined || quota.status?.used?.[r] === undefined);
    if (unknown.length) return `status unknown for quota: ${name}, resources: ${unknown.sort().join(',')}`;
    out.push({ quota, deltas });
  }
  return out;
}

/** The quota with the charge added, or the `exceeded quota` message. */
export function charged(quota: ResourceQuota, deltas: Record<string, number>): ResourceQuota | string {
  const hard = quota.status?.hard ?? {};
  const used = { ...quota.status?.used };
  const requested: Record<string, string> = {};
  const [exUsed, exHard] = [{} as Record<string, string>, {} as Record<string, string>];
  for (const [r, d] of Object.entries(deltas)) {
    const now = parseQuantity(used[r]) ?? 0;
    const next = now + d;
    if (hard[r] !== undefined && next > (parseQuantity(hard[r]) ?? 0)) {
      requested[r] = formatQuantity(d, isBinary(hard[r]));
      exUsed[r] = formatQuantity(now, isBinary(hard[r]));
      exHard[r] = formatQuantity(parseQuantity(hard[r]) ?? 0, isBinary(hard[r]));
    }
    used[r] = formatQuantity(next, isBinary(hard[r]));
  }
  if (Object.keys(requested).length) {
    return `exceeded quota: ${quota.metadata?.name ?? ''}, requested: ${pretty(requested)}, used: ${pretty(exUsed)}, limited: ${pretty(exHard)}`;
  }
  return { ...quota, status: { ...quota.status, used } };
}

export function resourceQuota(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: NAME,
    handles: (op) => op === 'CREATE',
    async validate(a) {
      if (a.subresource || !a.namespace || !a.object) return;
      const quotas = (await deps.listObjects('', 'resourcequotas', a.namespace)) as ResourceQuota[];
      if (!quotas.length) return;
      const cs = charges(a, a.object, quotas);
      if (typeof cs === 'string') throw forbidden(a, cs);
      for (const { quota, deltas } of cs) {
        const check = charged(quota, deltas);
        if (typeof check === 'string') throw forbidden(a, check);
      }
      if (a.dryRun) return;
      for (const { quota, deltas } of cs) {
        // Re-checked on the live quota: the cached one may be behind another create's charge.
        await deps.updateObject('', 'resourcequotas', a.namespace, quota.metadata?.name ?? '', (live) => {
          const next = charged(live as ResourceQuota, deltas);
          if (typeof next === 'string') throw forbidden(a, next);
          return next;
        });
      }
    },
  };
}
