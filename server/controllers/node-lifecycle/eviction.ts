// Taint-based eviction (upstream's taint-eviction-controller): a pod on a node with NoExecute
// taints is deleted at once when it does not tolerate one of them, and when it tolerates them
// all for a limited time (tolerationSeconds), once the shortest of those times has run out.
// Keyed by node name. The countdown starts at the taint's timeAdded (or when the pod was
// created, if later), so a restart of the controller does not reset it.

import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { COMPONENT, recorderOf } from '../common/events.ts';
import { parseTime } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { NODES } from './resources.ts';
import { ensurePodNodeIndex, nodeTaints, POD_NODE_INDEX, toleratingOf, type Node, type Taint, type Toleration } from './taints.ts';

export const DISRUPTION_TARGET = 'DisruptionTarget';
export const REASON_TAINT_MANAGER = 'DeletionByTaintManager';
export const MESSAGE_TAINT_MANAGER = 'Taint manager: deleting due to NoExecute taint';

export type EvictionDecision = { action: 'keep' } | { action: 'delete' } | { action: 'wait'; at: number };

/**
 * What to do with a pod given its node's taints. `firstSeen` is used for taints that carry no
 * timeAdded.
 */
export function evictionDecision(pod: Pod, taints: Taint[], firstSeen: number): EvictionDecision {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return { action: 'keep' };
  const tolerations = (pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations;
  const used: Toleration[] = [];
  for (const taint of noExecute) {
    const tols = toleratingOf(tolerations, taint);
    if (tols.length === 0) return { action: 'delete' };
    used.push(...tols);
  }
  const limited = used.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
  if (limited.length === 0) return { action: 'keep' };
  const seconds = Math.max(0, Math.min(...limited));
  const added = noExecute.map((t) => parseTime(t.timeAdded) ?? firstSeen);
  const start = Math.max(Math.min(...added), parseTime(pod.metadata?.creationTimestamp) ?? 0);
  return { action: 'wait', at: start + seconds * 1000 };
}

export function newTaintEvictionReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, clock, log } = deps;
  const nodeLister = informers.informer<Node>(NODES).lister;
  const podInformer = informers.informer<Pod>(R.pods);
  ensurePodNodeIndex(podInformer);
  const rec = recorderOf(deps.events(COMPONENT.taintEviction), R.pods);
  /** Per node, when each pod (by uid) was first seen under its NoExecute taints. */
  const firstSeen = new Map<string, Map<string, number>>();

  async function evict(pod: Pod, nodeName: string): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    let live: Pod;
    try {
      live = await client.get<Pod>(R.pods, ns, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (live.metadata?.uid !== pod.metadata?.uid || live.spec?.nodeName !== nodeName || live.metadata?.deletionTimestamp) return;
    const conds = (live.status?.conditions ?? []).filter((c) => c.type !== DISRUPTION_TARGET);
    const target = { type: DISRUPTION_TARGET, status: 'True', reason: REASON_TAINT_MANAGER, message: MESSAGE_TAINT_MANAGER, lastTransitionTime: rfc3339(clock.now()) };
    rec.event(live, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${name}`);
    try {
      await client.update(R.pods, ns, { ...live, status: { ...live.status, conditions: [...conds, target] } }, { subresource: 'status' });
      log.info('deleting pod for a NoExecute taint', { namespace: ns, name, node: nodeName });
      await client.delete(R.pods, ns, name, { preconditions: { uid: live.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  return async (nodeName) => {
    const taints = nodeTaints(nodeLister.get('', nodeName));
    const before = firstSeen.get(nodeName);
    // No NoExecute taint and nothing waiting: every pod stays (a pod landing on an untainted
    // node is the common event; do not walk the node's pods for it).
    if (!before && !taints.some((t) => t.effect === 'NoExecute')) return {};
    const pods = podInformer.lister.byIndex(POD_NODE_INDEX, nodeName);
    const now = clock.now().getTime();
    let next: number | undefined;
    let firstError: unknown;
    const after = new Map<string, number>();
    for (const pod of pods) {
      const uid = pod.metadata?.uid ?? '';
      if (pod.metadata?.deletionTimestamp) continue;
      const seen = before?.get(uid) ?? now;
      const d = evictionDecision(pod, taints, seen);
      if (d.action === 'keep') {
        // A pod that was waiting out its toleration is no longer to be evicted.
        if (before?.has(uid)) rec.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${pod.metadata?.namespace}/${pod.metadata?.name}`);
        continue;
      }
      after.set(uid, seen);
      if (d.action === 'wait' && d.at > now) {
        next = Math.min(next ?? Infinity, d.at - now);
        continue;
      }
      try {
        await evict(pod, nodeName);
      } catch (e) {
        firstError ??= e;
      }
    }
    if (after.size > 0) firstSeen.set(nodeName, after);
    else firstSeen.delete(nodeName);
    if (firstError !== undefined) throw firstError;
    return next !== undefined ? { requeueAfterMs: next } : {};
  };
}
