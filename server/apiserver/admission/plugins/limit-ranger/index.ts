// LimitRanger: the namespace's LimitRanges applied to pods and claims, as upstream's plugin.
// Mutating: a new pod's containers get the Container limits' default (limits) and
// defaultRequest (requests) they lack, noted in the `kubernetes.io/limit-ranger` annotation.
// Validating: min, max and maxLimitRequestRatio per Container and per Pod, min/max storage per
// PersistentVolumeClaim, refused with upstream's messages. Pod updates are not looked at
// (containers' resources cannot change), nor are subresources.

import { parseQuantity } from '../../../../../api/core/pod/quantity.ts';
import type { Container, PodSpec } from '../../../../../api/core/pod/types.ts';
import { formatQuantity, isBinary } from '../../../../../api/core/resource-quota/usage.ts';
import type { KubeObject } from '../../../../../api/types.ts';
import { forbidden } from '../../errors.ts';
import type { AdmissionDeps, AdmissionPlugin, Attributes } from '../../types.ts';

export const NAME = 'LimitRanger';
export const ANNOTATION = 'kubernetes.io/limit-ranger';

type ResourceList = Record<string, string | number>;
export interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}
type LimitRange = KubeObject & { spec?: { limits?: LimitRangeItem[] } };

/** A quantity as upstream's Quantity.String() prints it (1000m is 1, 1024Mi is 1Gi). */
export const canonical = (q: string | number) => formatQuantity(parseQuantity(q) ?? 0, isBinary(q));

/**
 * The container defaults of a limit as upstream's LimitRange defaulting leaves them: default
 * falls back to max, defaultRequest to default and then to min.
 */
export function containerDefaults(limit: LimitRangeItem): { limits: ResourceList; requests: ResourceList } {
  const limits = { ...limit.max, ...limit.default };
  return { limits, requests: { ...limit.min, ...limits, ...limit.defaultRequest } };
}

/** Sets the defaults a container lacks; the annotation's words for what was set. */
function mergeContainer(c: Container, d: { limits: ResourceList; requests: ResourceList }, prefix: string): string[] {
  const res = (c.resources ??= {});
  const set = (kind: 'requests' | 'limits', from: ResourceList) => {
    const names: string[] = [];
    for (const [k, v] of Object.entries(from)) {
      if (res[kind]?.[k] !== undefined) continue;
      // Upstream defaults a request to the container's own limit before admission runs.
      if (kind === 'requests' && res.limits?.[k] !== undefined) continue;
      (res[kind] ??= {})[k] = v;
      names.push(k);
    }
    return names.sort();
  };
  const out: string[] = [];
  const requests = set('requests', d.requests);
  const limits = set('limits', d.limits);
  if (requests.length) out.push(`${requests.join(', ')} request for ${prefix} ${c.name ?? ''}`);
  if (limits.length) out.push(`${limits.join(', ')} limit for ${prefix} ${c.name ?? ''}`);
  return out;
}

export function applyDefaults(ranges: LimitRange[], pod: KubeObject): void {
  const d = { limits: {} as ResourceList, requests: {} as ResourceList };
  for (const item of ranges.flatMap((r) => r.spec?.limits ?? [])) {
    if (item.type !== 'Container') continue;
    const cd = containerDefaults(item);
    Object.assign(d.limits, cd.limits);
    Object.assign(d.requests, cd.requests);
  }
  if (!Object.keys(d.limits).length && !Object.keys(d.requests).length) return;
  const spec = (pod.spec ?? {}) as PodSpec;
  const notes = [
    ...(spec.containers ?? []).flatMap((c) => mergeContainer(c, d, 'container')),
    ...(spec.initContainers ?? []).flatMap((c) => mergeContainer(c, d, 'init container')),
  ];
  if (notes.length) (pod.metadata ??= {}).annotations = { ...pod.metadata.annotations, [ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

const q = (v: string | number | undefined) => (v === undefined ? undefined : (parseQuantity(v) ?? 0));

function minConstraint(type: string, r: string, enforced: string | number, req: ResourceList, lim: ResourceList): string | undefined {
  const e = canonical(enforced);
  if (req[r] === undefined) return `minimum ${r} usage per ${type} is ${e}.  No request is specified`;
  if (q(req[r])! < q(enforced)!) return `minimum ${r} usage per ${type} is ${e}, but request is ${canonical(req[r]!)}`;
  if (lim[r] !== undefined && q(lim[r])! < q(enforced)!) return `minimum ${r} usage per ${type} is ${e}, but limit is ${canonical(lim[r]!)}`;
  return undefined;
}

function maxConstraint(type: string, r: string, enforced: string | number, req: ResourceList, lim: ResourceList): string | undefined {
  const e = canonical(enforced);
  if (lim[r] === undefined) return `maximum ${r} usage per ${type} is ${e}.  No limit is specified`;
  if (q(lim[r])! > q(enforced)!) return `maximum ${r} usage per ${type} is ${e}, but limit is ${canonical(lim[r]!)}`;
  if (req[r] !== undefined && q(req[r])! > q(enforced)!) return `maximum ${r} usage per ${type} is ${e}, but request is ${canonical(req[r]!)}`;
  return undefined;
}

function maxRequestConstraint(type: string, r: string, enforced: string | number, req: ResourceList): string | undefined {
  const e = canonical(enforced);
  if (req[r] === undefined) return `maximum ${r} usage per ${type} is ${e}.  No request is specified`;
  if (q(req[r])! > q(enforced)!) return `maximum ${r} usage per ${type} is ${e}, but request is ${canonical(req[r]!)}`;
  return undefined;
}

function ratioConstraint(type: string, r: string, enforced: string | number, req: ResourceList, lim: ResourceList): string | undefined {
  const e = canonical(enforced);
  const [rq, lm] = [q(req[r]) ?? 0, q(lim[r]) ?? 0];
  if (!rq) return `${r} max limit to request ratio per ${type} is ${e}, but no request is specified or request is 0`;
  if (!lm) return `${r} max limit to request ratio per ${type} is ${e}, but no limit is specified or limit is 0`;
  const ratio = lm / rq;
  // Go's %f: six decimals.
  return ratio > q(enforced)! ? `${r} max limit to request ratio per ${type} is ${e}, but provided ratio is ${ratio.toFixed(6)}` : undefined;
}

function checkItem(item: LimitRangeItem, type: string, req: ResourceList, lim: ResourceList): string[] {
  return [
    ...Object.entries(item.min ?? {}).map(([r, v]) => minConstraint(type, r, v, req, lim)),
    ...Object.entries(item.max ?? {}).map(([r, v]) => maxConstraint(type, r, v, req, lim)),
    ...Object.entries(item.maxLimitRequestRatio ?? {}).map(([r, v]) => ratioConstraint(type, r, v, req, lim)),
  ].filter((m): m is string => m !== undefined);
}

/** A pod's requests or limits: per resource, the larger of the containers' sum and the largest init container. */
function podTotal(spec: PodSpec, kind: 'requests' | 'limits'): ResourceList {
  const of = (c: Container) => (c.resources?.[kind] ?? {}) as ResourceList;
  const names = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].flatMap((c) => Object.keys(of(c))));
  const out: ResourceList = {};
  for (const n of names) {
    const present = (cs: Container[]) => cs.filter((c) => of(c)[n] !== undefined).map((c) => q(of(c)[n])!);
    const sum = present(spec.containers ?? []).reduce((a, b) => a + b, 0);
    const init = Math.max(0, ...present(spec.initContainers ?? []));
    const binary = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) => isBinary(of(c)[n]));
    out[n] = formatQuantity(Math.max(sum, init), binary);
  }
  return out;
}

/** Every violation of the ranges by a pod or a claim, in upstream's order. */
export function violations(ranges: LimitRange[], plural: string, obj: KubeObject): string[] {
  const errs: string[] = [];
  for (const item of ranges.flatMap((r) => r.spec?.limits ?? [])) {
    if (plural === 'persistentvolumeclaims') {
      if (item.type !== 'PersistentVolumeClaim') continue;
      const req = ((obj.spec as { resources?: { requests?: ResourceList } } | undefined)?.resources?.requests ?? {});
      errs.push(...Object.entries(item.min ?? {}).map(([r, v]) => minConstraint(item.type!, r, v, req, {})).filter((m): m is string => !!m));
      errs.push(...Object.entries(item.max ?? {}).map(([r, v]) => maxRequestConstraint(item.type!, r, v, req)).filter((m): m is string => !!m));
      continue;
    }
    const spec = (obj.spec ?? {}) as PodSpec;
    if (item.type === 'Container') {
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        errs.push(...checkItem(item, 'Container', (c.resources?.requests ?? {}) as ResourceList, (c.resources?.limits ?? {}) as ResourceList));
      }
    } else if (item.type === 'Pod') {
      errs.push(...checkItem(item, 'Pod', podTotal(spec, 'requests'), podTotal(spec, 'limits')));
    }
  }
  return errs;
}

const handled = (a: Attributes) =>
  !a.subresource && a.resource.group === '' && !!a.object && !!a.namespace &&
  ((a.resource.plural === 'pods' && a.operation === 'CREATE') || a.resource.plural === 'persistentvolumeclaims');

export function limitRanger(deps: AdmissionDeps): AdmissionPlugin {
  const ranges = async (ns: string) => (await deps.listObjects('', 'limitranges', ns)) as LimitRange[];
  return {
    name: NAME,
    handles: (op) => op === 'CREATE' || op === 'UPDATE',
    async admit(a) {
      if (!handled(a) || a.resource.plural !== 'pods') return;
      const rs = await ranges(a.namespace);
      if (rs.length) applyDefaults(rs, a.object!);
    },
    async validate(a) {
      if (!handled(a)) return;
      const rs = await ranges(a.namespace);
      if (!rs.length) return;
      const errs = violations(rs, a.resource.plural, a.object!);
      // Upstream's aggregate error: one message alone, several in brackets.
      if (errs.length) throw forbidden(a, errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
    },
  };
}
