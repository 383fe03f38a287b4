// How a node agent keeps its Node alive, as the kubelet does: register the Node (or take over
// an existing one with fresh status), renew its Lease every 10 s, and post Node status only
// when the API's differs from what the agent would say (say the node lifecycle controller set
// Ready Unknown) or every 5 min, as a strategic merge patch of the conditions that changed.
// Compared against a Node lister (an informer's cache): no reads on the heartbeat path. The
// caller owns the timers (the sim runs 1,000 nodes on one clock, a kubelet one).

import type { KubeObject } from '../../api/types.ts';
import type { Client, Clock, Lister, Log, ResourceRef } from '../../client/types.ts';
import { microTime } from '../../api/meta/time.ts';
import { buildLease, LEASE_NAMESPACE, nodeConditions, sameConditions, type NodeCondition } from './node-status.ts';
import { statusDiff, type JsonObject } from './status-patch.ts';

export const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false };
export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };

/** The Lease is renewed every leaseDuration / 4 (40 s / 4), as the kubelet's lease controller does. */
export const LEASE_RENEW_MS = 10_000;
/** Each wait is longer by up to this fraction, at random (upstream's JitterUntil factor). */
export const LEASE_RENEW_JITTER = 0.04;
/** nodeStatusReportFrequency: Node status is posted this often even when nothing changed. */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;

/** One node's heartbeat state. */
export interface HeartbeatNode {
  name: string;
  uid?: string;
  lease?: KubeObject;
  /** The conditions last posted, and when (ms): what the status is compared with when the lister has no Node yet. */
  conditions: NodeCondition[];
  reportedAt: number;
  /** The lister's Node last found to say what we would (unchanged objects are not compared again). */
  agreed?: KubeObject;
}

export interface HeartbeatDeps {
  client: Client;
  clock: Clock;
  log: Log;
  nodes: Lister<KubeObject>;
  /** What the agent would say now; healthy by default. A kubelet whose runtime is down says Ready False. */
  conditions?: (now: Date, current: NodeCondition[]) => NodeCondition[];
}

export interface Heartbeat {
  /** Creates the Node from `fresh` (or patches labels and status over an existing one) and its Lease. */
  register(n: HeartbeatNode, fresh: KubeObject): Promise<KubeObject>;
  renewLease(n: HeartbeatNode): Promise<void>;
  syncNodeStatus(n: HeartbeatNode): Promise<void>;
}

export function heartbeatNode(name: string): HeartbeatNode {
  return { name, conditions: [], reportedAt: 0 };
}

const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function nodeHeartbeat(deps: HeartbeatDeps): Heartbeat {
  const { client, clock, log } = deps;
  const wantedConditions = deps.conditions ?? ((now: Date, current: NodeCondition[]) => nodeConditions(now, current));

  async function renewLease(n: HeartbeatNode): Promise<void> {
    const now = clock.now();
    try {
      if (n.lease) {
        const spec = { ...(n.lease.spec as Record<string, unknown>), renewTime: microTime(now) };
        // The answer without managedFields (never read): the next renewal's PUT then leaves them
        // out, which keeps the live ones, as sending them back unchanged does.
        n.lease = await client.update(LEASES, LEASE_NAMESPACE, { ...n.lease, spec }, { omitManagedFields: true });
        return;
      }
      n.lease = await client.create(LEASES, LEASE_NAMESPACE, buildLease(n.name, n.uid, now), { omitManagedFields: true });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 409) n.lease = await client.get(LEASES, LEASE_NAMESPACE, n.name).catch(() => undefined);
      else if (code === 404) n.lease = undefined;
      else log.warn('renewing node lease failed', { node: n.name, err: errMessage(err) });
    }
  }

  async function register(n: HeartbeatNode, fresh: KubeObject): Promise<KubeObject> {
    const now = clock.now();
    let node: KubeObject;
    try {
      node = await client.create(NODES, '', fresh);
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
      // Already registered (a restart): take it over with fresh status.
      node = await client.patch(NODES, '', n.name, 'merge', { metadata: { labels: fresh.metadata?.labels, annotations: fresh.metadata?.annotations }, status: fresh.status }, { subresource: 'status' });
    }
    n.uid = node.metadata?.uid;
    n.conditions = (fresh.status as { conditions: NodeCondition[] }).conditions;
    n.reportedAt = now.getTime();
    await renewLease(n);
    return node;
  }

  async function syncNodeStatus(n: HeartbeatNode): Promise<void> {
    const now = clock.now();
    const live = deps.nodes.get('', n.name);
    const due = now.getTime() - n.reportedAt >= NODE_STATUS_REPORT_MS;
    if (!due && live && live === n.agreed) return;
    const current = (live ? (live.status as { conditions?: NodeCondition[] } | undefined)?.conditions : undefined) ?? n.conditions;
    const wanted = wantedConditions(now, current);
    if (!due && sameConditions(current, wanted)) {
      n.agreed = live;
      return;
    }
    const diff = statusDiff({ conditions: current as unknown as JsonObject[] }, { conditions: wanted as unknown as JsonObject[] });
    try {
      if (diff) await client.patch(NODES, '', n.name, 'strategic', { status: diff }, { subresource: 'status' });
      n.conditions = wanted;
      n.reportedAt = now.getTime();
    } catch (err) {
      log.warn('updating node status failed', { node: n.name, err: errMessage(err) });
    }
  }

  return { register, renewLease, syncNodeStatus };
}
