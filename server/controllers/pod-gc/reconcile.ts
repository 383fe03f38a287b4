// The pod garbage collector, one pass over all pods every 20 s:
//   - terminated pods (Succeeded/Failed) beyond terminated-pod-gc-threshold, oldest first;
//   - orphaned pods, bound to a node that no longer exists: once the node has been missing
//     from the cache for the quarantine time and a live read confirms it, they are marked
//     Failed with a DisruptionTarget condition and force-deleted;
//   - unscheduled pods being deleted (nobody else will finish them): force-deleted;
//   - pods being deleted on a not-ready node tainted out-of-service: force-deleted.
// Deletes re-read the pod and carry a UID precondition.

import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { parseTime } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import { TAINT_OUT_OF_SERVICE, type Node } from '../node-lifecycle/taints.ts';

/** terminated-pod-gc-threshold. */
export const TERMINATED_POD_GC_THRESHOLD = 12500;
/** How often the collector runs (upstream's gcCheckPeriod). */
export const GC_CHECK_PERIOD_MS = 20_000;
/** How long a node must be missing before its pods count as orphaned. */
export const QUARANTINE_MS = 40_000;
/** The one key this controller's queue carries. */
export const POD_GC_KEY = 'pod-gc';

export const REASON_DELETION_BY_POD_GC = 'DeletionByPodGC';

export interface PodGcDeps extends ControllerContext {
  threshold?: number;
}

const isTerminated = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** The terminated pods to delete to get back to the threshold: oldest first (0 disables). */
export function terminatedToDelete(pods: Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const done = pods.filter((p) => isTerminated(p) && !p.metadata?.deletionTimestamp);
  const excess = done.length - threshold;
  if (excess <= 0) return [];
  const created = (p: Pod) => parseTime(p.metadata?.creationTimestamp) ?? 0;
  return done.sort((a, b) => created(a) - created(b) || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1)).slice(0, excess);
}

function isReady(node: Node): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

export function newPodGcReconciler(deps: PodGcDeps): (key: string) => Promise<Result> {
  const { client, informers, clock, log } = deps;
  const threshold = deps.threshold ?? TERMINATED_POD_GC_THRESHOLD;
  const podLister = informers.informer<Pod>(R.pods).lister;
  const nodeLister = informers.informer<Node>(NODES).lister;
  /** Node name -> when the cache was first seen without it. */
  const missingSince = new Map<string, number>();

  /** Re-reads the pod and deletes it with a UID precondition; `fail` marks it Failed first. */
  async function remove(pod: Pod, opts: { force: boolean; fail?: string }): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    try {
      const live = await client.get<Pod>(R.pods, ns, name);
      if (live.metadata?.uid !== pod.metadata?.uid) return;
      if (opts.fail && !isTerminated(live)) {
        const conds = (live.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
        conds.push({ type: 'DisruptionTarget', status: 'True', reason: REASON_DELETION_BY_POD_GC, message: opts.fail, lastTransitionTime: rfc3339(clock.now()) });
        await client.update(R.pods, ns, { ...live, status: { ...live.status, phase: 'Failed', conditions: conds } }, { subresource: 'status' });
      }
      log.info('pod-gc deleting pod', { namespace: ns, name, force: opts.force });
      await client.delete(R.pods, ns, name, { preconditions: { uid: live.metadata?.uid }, ...(opts.force ? { gracePeriodSeconds: 0 } : {}) });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  /** Whether a node is gone: missing from the cache for the quarantine time, and from the apiserver. */
  async function nodeGone(name: string, now: number): Promise<boolean> {
    const since = missingSince.get(name);
    if (since === undefined) {
      missingSince.set(name, now);
      return false;
    }
    if (now - since < QUARANTINE_MS) return false;
    try {
      await client.get(NODES, '', name);
      missingSince.delete(name);
      return false;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
  }

  return async () => {
    const now = clock.now().getTime();
    const pods = podLister.list();
    const victims: { pod: Pod; force: boolean; fail?: string }[] = terminatedToDelete(pods, threshold).map((pod) => ({ pod, force: false }));

    const nodesWithPods = new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => Boolean(n)));
    for (const n of missingSince.keys()) if (!nodesWithPods.has(n) || nodeLister.get('', n)) missingSince.delete(n);
    const gone = new Set<string>();
    for (const n of nodesWithPods) if (!nodeLister.get('', n) && (await nodeGone(n, now))) gone.add(n);
    let soonest: number | undefined;
    for (const since of missingSince.values()) soonest = Math.min(soonest ?? Infinity, since + QUARANTINE_MS - now);

    for (const pod of pods) {
      const nodeName = pod.spec?.nodeName;
      const deleting = Boolean(pod.metadata?.deletionTimestamp);
      if (nodeName && gone.has(nodeName)) victims.push({ pod, force: true, fail: 'PodGC: node no longer exists' });
      else if (!nodeName && deleting) victims.push({ pod, force: true });
      else if (nodeName && deleting) {
        const node = nodeLister.get('', nodeName);
        if (node && !isReady(node) && node.spec?.taints?.some((t) => t.key === TAINT_OUT_OF_SERVICE)) {
          victims.push({ pod, force: true, fail: 'PodGC: node is out of service' });
        }
      }
    }
    let firstError: unknown;
    for (const v of victims) {
      try {
        await remove(v.pod, v);
      } catch (e) {
        firstError ??= e;
      }
    }
    if (firstError !== undefined) throw firstError;
    const wait = soonest !== undefined && soonest > 0 ? Math.min(soonest, GC_CHECK_PERIOD_MS) : GC_CHECK_PERIOD_MS;
    return { requeueAfterMs: wait };
  };
}
