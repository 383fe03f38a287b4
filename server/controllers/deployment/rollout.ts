// The two rollout strategies and the Progressing condition. RollingUpdate grows the new
// ReplicaSet up to replicas + maxSurge and shrinks old ones while at least
// replicas - maxUnavailable stay available; Recreate scales old ones to zero, waits for their
// pods to go, then scales the new one up.

import type { Pod } from '../common/pods.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import { parseTime } from '../common/keys.ts';
import { Reason, type ReplicaSet } from './types.ts';
import { calculateStatus, cleanupHistory, getNewReplicaSet, scaleReplicaSet, type SyncState } from './sync.ts';
import {
  activeReplicaSets, deploymentComplete, deploymentCondition, deploymentProgressing, deploymentTimedOut, getProgressing, hasProgressDeadline,
  maxUnavailable, newRSNewReplicas, olderFirst, replicasOf, setDeploymentCondition, sumReplicas, sumStatus,
} from './util.ts';

async function reconcileNewReplicaSet(s: SyncState, all: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const desired = s.d.spec?.replicas ?? 1;
  if (replicasOf(newRS) === desired) return false;
  if (replicasOf(newRS) > desired) return scaleReplicaSet(s, newRS, desired);
  return scaleReplicaSet(s, newRS, newRSNewReplicas(s.d, all, newRS));
}

async function reconcileOldReplicaSets(s: SyncState, all: ReplicaSet[], old: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (sumReplicas(old) === 0) return false;
  const minAvailable = (s.d.spec?.replicas ?? 1) - maxUnavailable(s.d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // First take away old replicas that are not available anyway.
  let cleaned = 0;
  for (const rs of [...old].sort(olderFirst)) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    await scaleReplicaSet(s, rs, replicasOf(rs) - n);
    cleaned += n;
  }
  // Then scale down available ones while minAvailable holds.
  const available = sumStatus([...old, newRS], 'availableReplicas');
  let scaled = 0;
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of [...old].sort(olderFirst)) {
      if (scaled >= total) break;
      if (replicasOf(rs) === 0) continue;
      const n = Math.min(replicasOf(rs), total - scaled);
      await scaleReplicaSet(s, rs, replicasOf(rs) - n);
      scaled += n;
    }
  }
  return cleaned + scaled > 0;
}

export async function rolloutRolling(s: SyncState, rss: ReplicaSet[], old: ReplicaSet[]): Promise<void> {
  const newRS = (await getNewReplicaSet(s, rss, old, true))!;
  const all = [...old, newRS];
  if (!(await reconcileNewReplicaSet(s, all, newRS))) {
    if (!(await reconcileOldReplicaSets(s, all, activeReplicaSets(old), newRS))) {
      calculateStatus(s, all, newRS);
      if (deploymentComplete(s.d, s.status)) await cleanupHistory(s, old);
    }
  }
  syncRolloutStatus(s, all, newRS);
}

/** Pods of the old ReplicaSets that still run (or may). */
function oldPodsRunning(newRS: ReplicaSet | undefined, old: ReplicaSet[], pods: Pod[]): boolean {
  if (sumStatus(old, 'replicas') > 0) return true;
  const uids = new Set(old.map((rs) => rs.metadata?.uid));
  return pods.some((p) => {
    const owner = p.metadata?.ownerReferences?.find((o) => o.controller)?.uid;
    if (!uids.has(owner) || owner === newRS?.metadata?.uid) return false;
    const phase = p.status?.phase;
    return phase !== 'Failed' && phase !== 'Succeeded';
  });
}

export async function rolloutRecreate(s: SyncState, rss: ReplicaSet[], old: ReplicaSet[], pods: Pod[]): Promise<void> {
  let newRS = await getNewReplicaSet(s, rss, old, false);
  let scaledDown = false;
  for (const rs of activeReplicaSets(old)) scaledDown = (await scaleReplicaSet(s, rs, 0)) || scaledDown;
  if (!scaledDown && !oldPodsRunning(newRS, old, pods)) {
    newRS ??= await getNewReplicaSet(s, rss, old, true);
    if (newRS) await scaleReplicaSet(s, newRS, s.d.spec?.replicas ?? 1);
    const all = [...old, ...(newRS ? [newRS] : [])];
    calculateStatus(s, all, newRS);
    if (deploymentComplete(s.d, s.status)) await cleanupHistory(s, old);
  }
  syncRolloutStatus(s, [...old, ...(newRS ? [newRS] : [])], newRS);
}

/** Counts, Available, and Progressing (created / updated / available / timed out). */
export function syncRolloutStatus(s: SyncState, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
  const d = s.d;
  calculateStatus(s, all, newRS);
  const st = s.status;
  const now = rfc3339(s.now);
  if (!hasProgressDeadline(d)) st.conditions = (st.conditions ?? []).filter((c) => c.type !== 'Progressing');
  const cur = getProgressing(st);
  const complete = st.replicas === st.updatedReplicas && cur?.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const what = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
    if (deploymentComplete(d, st)) {
      setDeploymentCondition(st, deploymentCondition('Progressing', 'True', Reason.NewRSAvailable, `${what} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, st)) {
      const c = deploymentCondition('Progressing', 'True', Reason.RSUpdated, `${what} is progressing.`, now);
      if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      st.conditions = [...(st.conditions ?? []).filter((x) => x.type !== 'Progressing'), c];
    } else if (deploymentTimedOut(d, st, s.now)) {
      setDeploymentCondition(st, deploymentCondition('Progressing', 'False', Reason.TimedOut, `${what} has timed out progressing.`, now));
    }
  }
  const failure = all.map((rs) => rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True')).find(Boolean);
  if (failure) setDeploymentCondition(st, deploymentCondition('ReplicaFailure', failure.status, failure.reason ?? '', failure.message ?? '', now));
  else st.conditions = (st.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
}

/** When to look again for the progress deadline, if the rollout is still under way. */
export function progressRequeueMs(s: SyncState): number | undefined {
  const c = getProgressing(s.status);
  if (!hasProgressDeadline(s.d) || !c || deploymentComplete(s.d, s.status) || c.reason === Reason.TimedOut || c.reason === Reason.NewRSAvailable) return undefined;
  const from = parseTime(c.lastUpdateTime) ?? s.now.getTime();
  const after = from + (s.d.spec?.progressDeadlineSeconds ?? 0) * 1000 - s.now.getTime();
  return after < 1000 ? 1000 : after + 1000;
}
