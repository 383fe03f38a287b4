// Pure PodDisruptionBudget arithmetic: how many pods are expected, how many must stay
// healthy, how many disruptions that allows, and the DisruptionAllowed condition.

import type { KubeObject } from '../../../api/types.ts';
import type { LabelSelector } from '../../../api/meta/labels.ts';
import type { Condition } from '../common/conditions.ts';

export type IntOrPercent = number | string;

export interface PodDisruptionBudget extends KubeObject {
  spec?: { selector?: LabelSelector; minAvailable?: IntOrPercent; maxUnavailable?: IntOrPercent; unhealthyPodEvictionPolicy?: string };
  status?: PdbStatus;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export const CONDITION_DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const REASON_SUFFICIENT_PODS = 'SufficientPods';
export const REASON_INSUFFICIENT_PODS = 'InsufficientPods';
export const REASON_SYNC_FAILED = 'SyncFailed';

/** A percentage ("30%") of total, rounded up, or the integer itself; undefined when malformed. */
export function scaledValue(v: IntOrPercent, total: number): number | undefined {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Whether the budget needs the controllers' scale (maxUnavailable, or minAvailable as a percentage). */
export function needsScale(spec: PodDisruptionBudget['spec']): boolean {
  if (spec?.maxUnavailable !== undefined) return true;
  return typeof spec?.minAvailable === 'string' && spec.minAvailable.endsWith('%');
}

export interface Counts {
  expectedPods: number;
  desiredHealthy: number;
}

/**
 * expectedPods and desiredHealthy for a budget, given its matching pod count and, when
 * needsScale, the summed scale of the pods' controllers.
 */
export function expectedCounts(spec: PodDisruptionBudget['spec'], podCount: number, scale: number): Counts | string {
  if (spec?.maxUnavailable !== undefined) {
    const max = scaledValue(spec.maxUnavailable, scale);
    if (max === undefined) return `invalid maxUnavailable ${JSON.stringify(spec.maxUnavailable)}`;
    return { expectedPods: scale, desiredHealthy: Math.max(0, scale - max) };
  }
  if (spec?.minAvailable === undefined) return { expectedPods: podCount, desiredHealthy: 0 };
  if (typeof spec.minAvailable === 'number') return { expectedPods: podCount, desiredHealthy: spec.minAvailable };
  const min = scaledValue(spec.minAvailable, scale);
  if (min === undefined) return `invalid minAvailable ${JSON.stringify(spec.minAvailable)}`;
  return needsScale(spec) ? { expectedPods: scale, desiredHealthy: min } : { expectedPods: podCount, desiredHealthy: min };
}

export function budgetStatus(pdb: PodDisruptionBudget, counts: Counts, currentHealthy: number, disruptedPods: Record<string, string>, now: string): PdbStatus {
  let allowed = currentHealthy - counts.desiredHealthy;
  if (counts.expectedPods <= 0 || allowed <= 0) allowed = 0;
  const cond = allowed > 0
    ? { type: CONDITION_DISRUPTION_ALLOWED, status: 'True' as const, reason: REASON_SUFFICIENT_PODS, message: '' }
    : { type: CONDITION_DISRUPTION_ALLOWED, status: 'False' as const, reason: REASON_INSUFFICIENT_PODS, message: '' };
  return {
    ...(Object.keys(disruptedPods).length ? { disruptedPods } : {}),
    disruptionsAllowed: allowed,
    currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedPods,
    observedGeneration: pdb.metadata?.generation,
    conditions: withCondition(pdb.status?.conditions, cond, now),
  };
}

/** The status of a budget that could not be computed: no disruptions allowed, and why. */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, now: string): PdbStatus {
  const s = pdb.status;
  return {
    ...(s?.disruptedPods ? { disruptedPods: s.disruptedPods } : {}),
    disruptionsAllowed: 0,
    currentHealthy: s?.currentHealthy ?? 0,
    desiredHealthy: s?.desiredHealthy ?? 0,
    expectedPods: s?.expectedPods ?? 0,
    observedGeneration: pdb.metadata?.generation,
    conditions: withCondition(s?.conditions, { type: CONDITION_DISRUPTION_ALLOWED, status: 'False', reason: REASON_SYNC_FAILED, message }, now),
  };
}

function withCondition(conds: Condition[] | undefined, c: Condition, now: string): Condition[] {
  const cur = conds?.find((x) => x.type === c.type);
  const lastTransitionTime = cur && cur.status === c.status && cur.lastTransitionTime ? cur.lastTransitionTime : now;
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message) return conds ?? [];
  return [...(conds ?? []).filter((x) => x.type !== c.type), { ...c, lastTransitionTime }];
}
