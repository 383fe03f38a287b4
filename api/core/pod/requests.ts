// A pod's effective requests, as upstream's resource helpers count them for the scheduler's
// fit and the kubelet's admission: the sum over the containers plus the sidecars
// (restartable init containers keep running), at least what each regular init container
// needs beside the sidecars started before it, plus the pod's overhead:
//   max(max_i(init_i + sidecars before i), sum(containers) + sum(sidecars)) + overhead.
// cpu in millicores, everything else in base units (rounded up).

import { parseQuantity } from './quantity.ts';
import type { Container, PodSpec } from './types.ts';

/** One quantity in these units: millicores for cpu, base units otherwise. */
export function amount(resource: string, q: unknown): number {
  const v = parseQuantity(q) ?? 0;
  return resource === 'cpu' ? Math.ceil(v * 1000 - 1e-9) : Math.ceil(v - 1e-9);
}

export function toResources(list: Record<string, unknown> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(list ?? {})) out.set(k, amount(k, v));
  return out;
}

function add(into: Map<string, number>, r: Map<string, number>): void {
  for (const [k, v] of r) into.set(k, (into.get(k) ?? 0) + v);
}

function maxInto(into: Map<string, number>, r: Map<string, number>): void {
  for (const [k, v] of r) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

function containerRequests(c: Container, defaults?: Record<string, number>): Map<string, number> {
  const r = toResources(c.resources?.requests as Record<string, unknown> | undefined);
  for (const [k, v] of Object.entries(defaults ?? {})) if (!r.has(k)) r.set(k, v);
  return r;
}

/** `defaults`: what a container that requests nothing of a resource counts for (the scheduler's scoring). */
export function effectiveRequests(spec: PodSpec | undefined, defaults?: Record<string, number>): Map<string, number> {
  const reqs = new Map<string, number>();
  for (const c of spec?.containers ?? []) add(reqs, containerRequests(c, defaults));
  const sidecars = new Map<string, number>();
  const initMax = new Map<string, number>();
  for (const c of spec?.initContainers ?? []) {
    const r = containerRequests(c, defaults);
    if (c.restartPolicy === 'Always') {
      add(sidecars, r);
      continue;
    }
    // A regular init container runs beside the sidecars started before it.
    const during = new Map(sidecars);
    add(during, r);
    maxInto(initMax, during);
  }
  add(reqs, sidecars);
  maxInto(reqs, initMax);
  add(reqs, toResources(spec?.overhead as Record<string, unknown> | undefined));
  return reqs;
}
