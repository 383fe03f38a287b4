// The pod worker's two writes to the API: the status patch (only what changed, guarded by
// the pod's uid so that it never lands on a pod recreated under the same name) and the final
// delete with grace 0 and a uid precondition once nothing is left on the node.

import type { Pod } from '../../api/core/pod/types.ts';
import type { Client, Log } from '../../client/types.ts';
import { statusDiff, type JsonObject } from '../common/status-patch.ts';
import { PODS } from './api-refs.ts';

const codeOf = (e: unknown) => (e as { code?: number }).code;
const key = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** The pod without what a status write changes (status, resourceVersion, managedFields). */
function beyondStatus(pod: Pod): string {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = (pod.metadata ?? {}) as Record<string, unknown>;
  return JSON.stringify({ ...pod, metadata: meta, status: undefined });
}

/**
 * Whether an update from the API gives the pod worker nothing to do: nothing but the status (and
 * resourceVersion) differs from `known`, and the status holds all of what the worker `reported`
 * last (the echo of its own write, or another writer's condition such as PodScheduled), or the
 * worker has reported nothing yet (its first sync, in flight, will). A status that lacks what
 * was reported (overwritten, or a write that failed) is not: the sync writes it again.
 */
export function isStatusEcho(known: Pod, update: Pod, reported: Record<string, unknown> | undefined): boolean {
  if (beyondStatus(known) !== beyondStatus(update)) return false;
  if (!reported) return true;
  const current = (update.status ?? {}) as JsonObject;
  return !statusDiff(current, { ...current, ...(reported as JsonObject) });
}

/** Patches the pod's status towards `wanted`; returns the pod as the API now has it. */
export async function patchPodStatus(client: Client, log: Log, pod: Pod, uid: string, wanted: Record<string, unknown>): Promise<Pod> {
  const current = (pod.status ?? {}) as JsonObject;
  const diff = statusDiff(current, { ...current, ...(wanted as JsonObject) });
  if (!diff) return pod;
  try {
    return await client.patch<Pod>(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', 'strategic', { metadata: { uid }, status: diff }, { subresource: 'status' });
  } catch (e) {
    if (codeOf(e) !== 404) log.warn('updating pod status failed', { pod: key(pod), err: (e as Error).message });
    return pod;
  }
}

export async function deletePod(client: Client, log: Log, pod: Pod, uid: string): Promise<void> {
  await client.delete(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } }).catch((e) => {
    if (codeOf(e) !== 404 && codeOf(e) !== 409) log.warn('deleting the pod failed', { pod: key(pod), err: (e as Error).message });
  });
}
