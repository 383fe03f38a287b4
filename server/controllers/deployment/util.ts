// Deployment arithmetic, pure: the pod-template hash, surge and unavailability from
// int-or-percent values, revisions, and the rollout predicates behind the conditions.

import type { KubeObject } from '../../../api/types.ts';
import type { Condition } from '../common/conditions.ts';
import type { PodTemplate } from '../replicaset/kinds.ts';
import { parseTime } from '../common/keys.ts';
import { POD_TEMPLATE_HASH, REVISION, Reason, type Deployment, type DeploymentStatus, type IntOrString, type ReplicaSet } from './types.ts';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * JSON with object keys sorted, so equal templates give equal text. A field that is null is
 * the same as one that is absent (as for Go structs): kubectl v1.32's `rollout undo` sends
 * `creationTimestamp: null` in the template it restores.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && x !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** fnv-1a, 32 bits. */
export function fnv32a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Hash of a pod template (plus the collision count), rendered in the safe alphabet. */
export function computeHash(template: unknown, collisionCount?: number): string {
  const text = new TextEncoder().encode(canonicalJson(template));
  let bytes = text;
  if (collisionCount !== undefined) {
    bytes = new Uint8Array(text.length + 4);
    bytes.set(text);
    new DataView(bytes.buffer).setUint32(text.length, collisionCount >>> 0, true);
  }
  return [...String(fnv32a(bytes))].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

function withoutHash(t: PodTemplate): PodTemplate {
  const labels = t.metadata?.labels;
  if (!labels || !(POD_TEMPLATE_HASH in labels)) return t;
  const rest = { ...labels };
  delete rest[POD_TEMPLATE_HASH];
  const metadata = { ...t.metadata };
  if (Object.keys(rest).length) metadata.labels = rest;
  else delete metadata.labels;
  return { ...t, metadata };
}

/**
 * Canonical text of templates without their hash label, per template object: a Deployment
 * sync compares its template with every ReplicaSet's, and objects from the informer cache are
 * never mutated, so each is rendered once.
 */
const templateText = new WeakMap<PodTemplate, string>();

function textIgnoringHash(t: PodTemplate | undefined): string {
  if (!t) return canonicalJson({});
  let text = templateText.get(t);
  if (text === undefined) templateText.set(t, (text = canonicalJson(withoutHash(t))));
  return text;
}

/** Templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return textIgnoringHash(a) === textIgnoringHash(b);
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.isNaN(Number(v)) ? 0 : Number(v);
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export const isRollingUpdate = (d: Deployment) => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
export const replicasOf = (x: { spec?: { replicas?: number } } | undefined) => x?.spec?.replicas ?? 0;

/** Surge rounds up, unavailability down; both zero would stall, so unavailability becomes 1. */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const desired = d.spec?.replicas ?? 1;
  const maxSurge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).maxSurge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = d.spec?.replicas ?? 1;
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, desired);
}

export const sumReplicas = (rss: ReplicaSet[]) => rss.reduce((n, rs) => n + replicasOf(rs), 0);
export const sumStatus = (rss: ReplicaSet[], f: 'replicas' | 'readyReplicas' | 'availableReplicas') => rss.reduce((n, rs) => n + (rs.status?.[f] ?? 0), 0);
export const activeReplicaSets = (rss: ReplicaSet[]) => rss.filter((rs) => replicasOf(rs) > 0);

export function revisionOf(o: KubeObject | undefined): number {
  const n = Number(o?.metadata?.annotations?.[REVISION] ?? '0');
  return Number.isFinite(n) ? n : 0;
}

const created = (rs: KubeObject) => parseTime(rs.metadata?.creationTimestamp) ?? 0;
const byName = (a: KubeObject, b: KubeObject) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);
export const olderFirst = (a: KubeObject, b: KubeObject) => created(a) - created(b) || byName(a, b);
export const newerFirst = (a: KubeObject, b: KubeObject) => created(b) - created(a) || byName(a, b);
export const byRevision = (a: KubeObject, b: KubeObject) => revisionOf(a) - revisionOf(b) || olderFirst(a, b);

/** How many replicas the new ReplicaSet should have now. */
export function newRSNewReplicas(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const desired = d.spec?.replicas ?? 1;
  if (!isRollingUpdate(d)) return desired;
  const current = replicasOf(newRS);
  const total = sumReplicas(all);
  const maxTotal = desired + maxSurge(d);
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, desired - current);
}

// ---- conditions ----

export function deploymentCondition(type: string, status: Condition['status'], reason: string, message: string, now: string): Condition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: same status and reason leaves it be; same status keeps the transition time. */
export function setDeploymentCondition(s: DeploymentStatus, c: Condition): void {
  const cur = s.conditions?.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function getProgressing(s: DeploymentStatus | undefined): Condition | undefined {
  return s?.conditions?.find((c) => c.type === 'Progressing');
}

export const hasProgressDeadline = (d: Deployment) => d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = d.spec?.replicas ?? 1;
  return s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getProgressing(s);
  if (!c) return false;
  if (c.reason === Reason.NewRSAvailable) return false;
  if (c.reason === Reason.TimedOut) return true;
  const from = parseTime(c.lastUpdateTime) ?? 0;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}
