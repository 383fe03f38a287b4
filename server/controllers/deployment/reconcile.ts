// The Deployment controller: claims its ReplicaSets, then either only scales (paused, or a
// change of spec.replicas alone) or rolls out by its strategy, and writes status with the
// Available and Progressing conditions `kubectl rollout status` reads.

import { labelSelectorFromObject } from '../../../api/meta/labels.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { COMPONENT, recorderOf } from '../common/events.ts';
import { claim } from '../common/claim.ts';
import { clone, splitKey } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import { DESIRED_REPLICAS, REVISION, Reason, type Deployment, type ReplicaSet } from './types.ts';
import { calculateStatus, cleanupHistory, findNewReplicaSet, getNewReplicaSet, scale, type SyncState } from './sync.ts';
import { progressRequeueMs, rolloutRecreate, rolloutRolling, syncRolloutStatus } from './rollout.ts';
import { deploymentCondition, getProgressing, hasProgressDeadline, isRollingUpdate, replicasOf, revisionOf, setDeploymentCondition } from './util.ts';
import { claimCandidates, controlledBy, controllerIndexedLister } from '../common/controller-index.ts';

/** Paused / resumed show in Progressing with status Unknown. */
function checkPausedConditions(s: SyncState): void {
  if (!hasProgressDeadline(s.d)) return;
  const c = getProgressing(s.status);
  if (c?.reason === Reason.TimedOut) return;
  const now = rfc3339(s.now);
  if (s.d.spec?.paused && c?.reason !== Reason.Paused) {
    setDeploymentCondition(s.status, deploymentCondition('Progressing', 'Unknown', Reason.Paused, 'Deployment is paused', now));
  } else if (!s.d.spec?.paused && c?.reason === Reason.Paused) {
    setDeploymentCondition(s.status, deploymentCondition('Progressing', 'Unknown', Reason.Resumed, 'Deployment is resumed', now));
  }
}

/** Whether only spec.replicas changed: some active ReplicaSet was sized for another count. */
function isScalingEvent(d: Deployment, rss: ReplicaSet[]): boolean {
  return rss.some((rs) => replicasOf(rs) > 0 && rs.metadata?.annotations?.[DESIRED_REPLICAS] !== undefined && rs.metadata.annotations[DESIRED_REPLICAS] !== String(d.spec?.replicas ?? 1));
}

export function newDeploymentReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, clock } = deps;
  const dLister = informers.informer<Deployment>(R.deployments).lister;
  const rsLister = controllerIndexedLister<ReplicaSet>(informers, R.replicaSets);
  const podLister = controllerIndexedLister<Pod>(informers, R.pods);
  const events = recorderOf(deps.events(COMPONENT.deployment), R.deployments);

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const d = dLister.get(namespace, name);
    if (!d) return {};
    const selector = labelSelectorFromObject(d.spec?.selector);
    if (selector.empty) {
      // Selects everything: upstream refuses to act (and so do we) until it is fixed.
      return {};
    }
    const rss = await claim({ client, owner: d, ownerRt: R.deployments, r: R.replicaSets, selector }, claimCandidates(rsLister, d));
    const s: SyncState = { client, events, now: clock.now(), d, status: clone(d.status ?? {}) };
    const newFound = findNewReplicaSet(d, rss);
    const old = rss.filter((rs) => rs !== newFound);

    if (d.metadata?.deletionTimestamp) {
      calculateStatus(s, rss, newFound);
    } else {
      checkPausedConditions(s);
      if (d.spec?.paused || isScalingEvent(d, rss)) {
        const newRS = await getNewReplicaSet(s, rss, old, false);
        await scale(s, newRS, old);
        if (d.spec?.paused) await cleanupHistory(s, old);
        calculateStatus(s, [...old, ...(newRS ? [newRS] : [])], newRS);
      } else if (isRollingUpdate(d)) {
        await rolloutRolling(s, rss, old);
      } else {
        // Recreate waits for the pods of the old ReplicaSets only.
        await rolloutRecreate(s, rss, old, old.flatMap((rs) => controlledBy(podLister, rs)));
      }
      // The Deployment's revision follows its new ReplicaSet's (a write to the main resource).
      const newRS = s.newRS ?? newFound;
      const rev = newRS ? String(revisionOf(newRS)) : undefined;
      if (rev && rev !== '0' && d.metadata?.annotations?.[REVISION] !== rev && revisionOf(newRS) > revisionOf(d)) {
        // Written through the status subresource together with the status, as upstream's
        // controller does: the annotation then never bumps metadata.generation.
        const annotated = clone(d);
        (annotated.metadata ??= {}).annotations = { ...(d.metadata?.annotations ?? {}), [REVISION]: rev };
        await client.update<Deployment>(R.deployments, namespace, { ...annotated, status: s.status }, { subresource: 'status' });
        return { requeueAfterMs: progressRequeueMs(s) };
      }
    }
    await writeStatus(client, R.deployments, d, s.status);
    return { requeueAfterMs: progressRequeueMs(s) };
  };
}

export { syncRolloutStatus };
