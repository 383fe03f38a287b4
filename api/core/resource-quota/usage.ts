// Pure quota arithmetic: what each object counts for (pods' compute requests and limits,
// services by type, claims' storage), which pods a quota's scopes select, and quantities
// written back the way Kubernetes prints them.

import type { KubeObject } from '../../types.ts';
import { parseQuantity } from '../pod/quantity.ts';

export interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string | number>; scopes?: string[] };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

interface Resources {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}
interface QuotaPod extends KubeObject {
  spec?: { containers?: { resources?: Resources }[]; initContainers?: { resources?: Resources }[]; overhead?: Record<string, string | number>; activeDeadlineSeconds?: number };
  status?: { phase?: string };
}

/** Terminal pods, and pods past their deletion time, no longer use quota. */
export function podCounts(pod: QuotaPod, now: Date): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const del = pod.metadata?.deletionTimestamp;
  return !del || !(Date.parse(del) <= now.getTime());
}

const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

/** A pod's request or limit for one resource: max(sum of containers, largest init container) plus overhead. */
function podAmount(pod: QuotaPod, kind: 'requests' | 'limits', resource: string): number {
  const of = (c: { resources?: Resources }) => parseQuantity(c.resources?.[kind]?.[resource]) ?? 0;
  const sum = (pod.spec?.containers ?? []).reduce((a, c) => a + of(c), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map(of));
  return Math.max(sum, init) + (parseQuantity(pod.spec?.overhead?.[resource]) ?? 0);
}

export function isBestEffort(pod: QuotaPod): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].every((c) => Object.keys(c.resources?.requests ?? {}).length === 0 && Object.keys(c.resources?.limits ?? {}).length === 0);
}

/** Whether a pod falls under every scope of the quota. */
export function podInScopes(pod: QuotaPod, scopes: string[] | undefined): boolean {
  return (scopes ?? []).every((s) => {
    switch (s) {
      case 'Terminating': return pod.spec?.activeDeadlineSeconds !== undefined;
      case 'NotTerminating': return pod.spec?.activeDeadlineSeconds === undefined;
      case 'BestEffort': return isBestEffort(pod);
      case 'NotBestEffort': return !isBestEffort(pod);
      default: return true;
    }
  });
}

/** Pod usage for a quota resource name, or undefined when the name is not about pods. */
export function podUsage(pods: QuotaPod[], resource: string): number | undefined {
  if (resource === 'pods' || resource === 'count/pods') return pods.length;
  const m = /^(requests|limits)\.(.+)$/.exec(resource) ?? (COMPUTE.includes(resource) ? [resource, 'requests', resource] : null);
  if (!m || !COMPUTE.includes(m[2])) return undefined;
  return pods.reduce((a, p) => a + podAmount(p, m[1] as 'requests' | 'limits', m[2]), 0);
}

export function isPodResource(resource: string): boolean {
  return podUsage([], resource) !== undefined;
}

interface Service extends KubeObject {
  spec?: { type?: string; ports?: unknown[] };
}

export function serviceUsage(services: Service[], resource: string): number | undefined {
  switch (resource) {
    case 'services':
    case 'count/services':
      return services.length;
    case 'services.loadbalancers':
      return services.filter((s) => s.spec?.type === 'LoadBalancer').length;
    case 'services.nodeports':
      return services.filter((s) => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer').reduce((a, s) => a + (s.spec?.ports ?? []).length, 0);
    default:
      return undefined;
  }
}

const BINARY: [string, number][] = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
const DECIMAL: [string, number][] = [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]];

/** A quantity as Kubernetes prints it: whole numbers plainly or with the largest exact suffix, fractions in milli units. */
export function formatQuantity(v: number, preferBinary: boolean): string {
  if (v === 0) return '0';
  if (!Number.isInteger(v)) return `${Math.round(v * 1000)}m`;
  for (const [suffix, size] of preferBinary ? [...BINARY, ...DECIMAL] : DECIMAL) {
    if (v % size === 0) return `${v / size}${suffix}`;
  }
  return String(v);
}

/** Whether the hard limit was written with binary suffixes (so used prints the same way). */
export const isBinary = (hard: string | number | undefined) => typeof hard === 'string' && /i$/.test(hard);
