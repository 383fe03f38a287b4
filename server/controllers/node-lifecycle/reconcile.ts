// The node lifecycle controller: a node whose kubelet stopped renewing its Lease and posting
// its Ready heartbeat for longer than the grace period gets its conditions set to Unknown and
// its pods marked not ready; every node's condition taints (NoSchedule and the not-ready /
// unreachable NoExecute ones) follow its conditions, so they go away when it is Ready again.
// Keyed by node name; each node is looked at again every monitor period.

import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { COMPONENT, recorderOf } from '../common/events.ts';
import { clone } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import { desiredTaints, nodeHealth, NODE_MONITOR_PERIOD_MS, unknownConditions, type Lease } from './health.ts';
import { LEASES, NODE_LEASE_NAMESPACE, NODES } from './resources.ts';
import { ensurePodNodeIndex, POD_NODE_INDEX, type Node, type NodeCondition } from './taints.ts';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

export function newNodeLifecycleReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, clock, log } = deps;
  const nodeLister = informers.informer<Node>(NODES).lister;
  const leaseLister = informers.informer<Lease & Node>(LEASES).lister;
  const podInformer = informers.informer<Pod>(R.pods);
  ensurePodNodeIndex(podInformer);
  const rec = deps.events(COMPONENT.node);
  const nodeEvents = recorderOf(rec, NODES);
  const podEvents = recorderOf(rec, R.pods);

  /** Sets Ready=False on the pods of a node whose kubelet is gone, so endpoints drop them. */
  async function markPodsNotReady(nodeName: string, now: Date): Promise<void> {
    for (const pod of podInformer.lister.byIndex(POD_NODE_INDEX, nodeName)) {
      const conds = pod.status?.conditions ?? [];
      const ready = conds.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False' || pod.metadata?.deletionTimestamp) continue;
      const next = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: rfc3339(now) } : c));
      try {
        await writeStatus(client, R.pods, pod, { ...pod.status, conditions: next });
        podEvents.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  return async (name) => {
    const cached = nodeLister.get('', name);
    if (!cached) return {};
    let node: Node = cached;
    const now = clock.now();
    const health = nodeHealth(node, leaseLister.get(NODE_LEASE_NAMESPACE, name), now);
    let conditions: NodeCondition[] = node.status?.conditions ?? [];
    if (health.stale) {
      conditions = unknownConditions(node, now);
      if (!sameJson(conditions, node.status?.conditions)) {
        log.info('node stopped posting status', { node: name });
        const wasReady = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        node = (await writeStatus(client, NODES, node, { ...node.status, conditions })) ?? node;
        // Upstream's RecordNodeStatusChange, on the Ready -> not Ready transition.
        if (wasReady) nodeEvents.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      }
      await markPodsNotReady(name, now);
    }
    const taints = desiredTaints(node, conditions, now);
    if (!sameJson(taints, node.spec?.taints ?? [])) {
      const next = clone(node);
      next.spec = { ...next.spec, taints };
      if (taints.length === 0) delete next.spec.taints;
      try {
        await client.update(NODES, '', next);
      } catch (e) {
        if (isNotFound(e)) return {};
        // A kubelet or another writer got there first: look again with the fresh copy soon.
        if (isConflict(e)) return { requeueAfterMs: 100 };
        throw e;
      }
    }
    const untilStale = health.deadline - now.getTime();
    return { requeueAfterMs: untilStale > 0 ? Math.min(NODE_MONITOR_PERIOD_MS, untilStale + 1) : NODE_MONITOR_PERIOD_MS };
  };
}
