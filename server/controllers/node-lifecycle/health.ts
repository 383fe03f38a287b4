// Pure node-health rules: when a node's kubelet counts as gone (its Lease and its Ready
// heartbeat both older than the grace period), what its conditions become then, and which
// taints its conditions call for.

import { parseTime } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import {
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE,
  sameTaint, type Node, type NodeCondition, type Taint,
} from './taints.ts';

/** node-monitor-grace-period. */
export const NODE_MONITOR_GRACE_MS = 40_000;
/** node-startup-grace-period: a node that never posted status gets this long. */
export const NODE_STARTUP_GRACE_MS = 60_000;
/** node-monitor-period. */
export const NODE_MONITOR_PERIOD_MS = 5_000;

export const REASON_STATUS_UNKNOWN = 'NodeStatusUnknown';
export const MESSAGE_STATUS_UNKNOWN = 'Kubelet stopped posting node status.';
export const REASON_NEVER_UPDATED = 'NodeStatusNeverUpdated';
export const MESSAGE_NEVER_UPDATED = 'Kubelet never posted node status.';

/** The conditions the controller sets to Unknown when the kubelet is gone. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface Lease {
  spec?: { renewTime?: string; holderIdentity?: string; leaseDurationSeconds?: number };
}

export interface Health {
  /** The kubelet has not been heard from within the grace period. */
  stale: boolean;
  /** When it becomes stale (ms since epoch). */
  deadline: number;
}

/** The latest sign of life: the Lease renewal or the Ready heartbeat, whichever is newer. */
export function nodeHealth(node: Node, lease: Lease | undefined, now: Date): Health {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const seen = [parseTime(lease?.spec?.renewTime), parseTime(ready?.lastHeartbeatTime)].filter((t): t is number => t !== undefined);
  const deadline = seen.length
    ? Math.max(...seen) + NODE_MONITOR_GRACE_MS
    : (parseTime(node.metadata?.creationTimestamp) ?? now.getTime()) + (ready ? NODE_MONITOR_GRACE_MS : NODE_STARTUP_GRACE_MS);
  return { stale: now.getTime() > deadline, deadline };
}

/** The conditions of a node whose kubelet is gone: every monitored one Unknown. */
export function unknownConditions(node: Node, now: Date): NodeCondition[] {
  const at = rfc3339(now);
  const conds = [...(node.status?.conditions ?? [])];
  for (const type of MONITORED_CONDITIONS) {
    const i = conds.findIndex((c) => c.type === type);
    if (i < 0) {
      const created = node.metadata?.creationTimestamp ?? at;
      conds.push({ type, status: 'Unknown', reason: REASON_NEVER_UPDATED, message: MESSAGE_NEVER_UPDATED, lastHeartbeatTime: created, lastTransitionTime: at });
    } else if (conds[i].status !== 'Unknown') {
      conds[i] = { ...conds[i], status: 'Unknown', reason: REASON_STATUS_UNKNOWN, message: MESSAGE_STATUS_UNKNOWN, lastTransitionTime: at };
    }
  }
  return conds;
}

/** NoSchedule taints by condition type and status (upstream's nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Partial<Record<string, string>>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};
const NO_SCHEDULE_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_PID_PRESSURE, TAINT_UNSCHEDULABLE]);
const NO_EXECUTE_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

const managed = (t: Taint) => (t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.has(t.key)) || (t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key));

/**
 * The taints a node should carry: its own, with the condition taints brought in line with
 * its conditions. Taints already there keep their timeAdded; new NoExecute ones get `now`.
 * Without a Ready condition the NoExecute taints are left as they are.
 */
export function desiredTaints(node: Node, conditions: NodeCondition[], now: Date): Taint[] {
  const want: Taint[] = [];
  for (const c of conditions) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) want.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  const ready = conditions.find((c) => c.type === 'Ready');
  const current = node.spec?.taints ?? [];
  if (ready?.status === 'False') want.push({ key: TAINT_NOT_READY, effect: 'NoExecute' });
  else if (ready?.status === 'Unknown') want.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  else if (!ready) want.push(...current.filter((t) => t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key)));
  const out = current.filter((t) => !managed(t) || want.some((w) => sameTaint(w, t)));
  for (const w of want) {
    if (out.some((t) => sameTaint(t, w))) continue;
    out.push(w.effect === 'NoExecute' ? { ...w, timeAdded: rfc3339(now) } : w);
  }
  return out;
}
