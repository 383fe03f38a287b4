// The pod's QoS class from its containers' cpu and memory requests and limits.

import { parseQuantity } from './quantity.ts';
import type { Container, PodSpec } from './types.ts';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'];

function nonZero(m: Record<string, string | number> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of QOS_RESOURCES) {
    const q = parseQuantity(m?.[r]);
    if (q !== undefined && q > 0) out.set(r, q);
  }
  return out;
}

/** Guaranteed: every container limits cpu and memory with requests equal to limits. */
export function podQOSClass(spec: PodSpec | undefined): QOSClass {
  const containers: Container[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let allLimited = true;
  for (const c of containers) {
    const req = nonZero(c.resources?.requests);
    const lim = nonZero(c.resources?.limits);
    for (const [k, v] of req) requests.set(k, (requests.get(k) ?? 0) + v);
    for (const [k, v] of lim) limits.set(k, (limits.get(k) ?? 0) + v);
    if (lim.size < QOS_RESOURCES.length) allLimited = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (!allLimited) return 'Burstable';
  for (const [k, v] of requests) if (limits.get(k) !== v) return 'Burstable';
  return 'Guaranteed';
}
