// Pod facts controllers share: active, ready, available (minReadySeconds), and the order in
// which a controller prefers to delete surplus pods.

import type { KubeObject, ObjectMeta } from '../../../api/types.ts';
import { parseTime } from './keys.ts';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  [k: string]: unknown;
}

export interface Pod extends KubeObject {
  metadata?: ObjectMeta;
  spec?: { nodeName?: string; hostname?: string; subdomain?: string; containers?: { name?: string; ports?: { name?: string; containerPort?: number; protocol?: string }[] }[]; [k: string]: unknown };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: PodCondition[];
    containerStatuses?: ContainerStatus[];
    [k: string]: unknown;
  };
}

/** Not finished and not being deleted: counts toward a controller's replicas. */
export function isPodActive(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata?.deletionTimestamp;
}

export function podReadyCondition(p: Pod): PodCondition | undefined {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(p: Pod): boolean {
  return podReadyCondition(p)?.status === 'True';
}

/** Ready for at least minReadySeconds at `now`. */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: Date): boolean {
  const c = podReadyCondition(p);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTime(c.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 <= now.getTime();
}

/** How long until a ready pod becomes available, or undefined if it is not ready or already is. */
export function msUntilAvailable(p: Pod, minReadySeconds: number, now: Date): number | undefined {
  const c = podReadyCondition(p);
  if (c?.status !== 'True' || minReadySeconds <= 0) return undefined;
  const since = parseTime(c.lastTransitionTime);
  if (since === undefined) return undefined;
  const left = since + minReadySeconds * 1000 - now.getTime();
  return left > 0 ? left : undefined;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(p: Pod): number {
  return Math.max(0, ...(p.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

/**
 * Orders pods so the ones to delete first come first, as upstream's ActivePods does:
 * unscheduled before scheduled, pending before unknown before running, not ready before
 * ready, ready for less time first, more restarts first, newer first.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 1 : 0;
  const sb = b.spec?.nodeName ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const pa = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const pb = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  if (ra === 1) {
    const ta = parseTime(podReadyCondition(a)?.lastTransitionTime) ?? 0;
    const tb = parseTime(podReadyCondition(b)?.lastTransitionTime) ?? 0;
    if (ta !== tb) return tb - ta;
  }
  const xa = restarts(a);
  const xb = restarts(b);
  if (xa !== xb) return xb - xa;
  const ca = parseTime(a.metadata?.creationTimestamp) ?? 0;
  const cb = parseTime(b.metadata?.creationTimestamp) ?? 0;
  if (ca !== cb) return cb - ca;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}
