// Status conditions as the workload controllers keep them: one per type; lastTransitionTime
// changes only when the status does.

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string;
}

export function getCondition<C extends Condition>(conds: C[] | undefined, type: string): C | undefined {
  return conds?.find((c) => c.type === type);
}

/**
 * Sets a condition: one with the same status, reason and message is left alone; otherwise it
 * is replaced, keeping lastTransitionTime when the status did not change.
 */
export function setCondition<C extends Condition>(conds: C[] | undefined, c: C): C[] {
  const list = conds ?? [];
  const cur = list.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message) return list;
  const next = cur && cur.status === c.status && cur.lastTransitionTime ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...list.filter((x) => x.type !== c.type), next];
}

export function removeCondition<C extends Condition>(conds: C[] | undefined, type: string): C[] {
  return (conds ?? []).filter((c) => c.type !== type);
}
