// The ReplicaSet (and ReplicationController) controller: keep spec.replicas active pods that
// match the selector and are controlled by it, creating from the template and deleting the
// pods worth least first, and report replicas, fully labeled, ready and available counts.

import type { KubeObject } from '../../../api/types.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { claim } from '../common/claim.ts';
import { getCondition, removeCondition, setCondition } from '../common/conditions.ts';
import { errorMessage, isNotFound } from '../common/errors.ts';
import { COMPONENT, podCreated, podCreateFailed, podDeleted, podDeleteFailed, recorderOf } from '../common/events.ts';
import type { Expectations } from '../common/expectations.ts';
import { clone, keyOf, splitKey } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import { newControllerRef } from '../common/owners.ts';
import { compareForDeletion, isPodActive, isPodAvailable, isPodReady, msUntilAvailable, type Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import type { ReplicaKind, ReplicaSet, ReplicaSetStatus } from './kinds.ts';
import { claimCandidates, controllerIndexedLister } from '../common/controller-index.ts';

/** Most pods one sync creates or deletes (upstream's burstReplicas). */
export const BURST_REPLICAS = 500;

export interface ReplicaSetDeps extends ControllerContext {
  kind: ReplicaKind;
  expectations: Expectations;
}

/** A pod built from the owner's template, as upstream's GetPodFromTemplate does. */
export function podFromTemplate(owner: ReplicaSet, ownerRt: { group: string; version: string; kind: string }): KubeObject {
  const t = owner.spec?.template ?? {};
  const meta = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata?.name}-`,
      namespace: owner.metadata?.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(owner, ownerRt)],
    },
    spec: clone(t.spec ?? {}),
  };
}

/** Creates in doubling batches (1, 2, 4...) so a failing template costs one error, not N. */
async function slowStartCreate(n: number, create: () => Promise<void>): Promise<{ created: number; error?: unknown }> {
  let created = 0;
  for (let batch = 1; created < n; batch *= 2) {
    const size = Math.min(batch, n - created);
    const results = await Promise.allSettled(Array.from({ length: size }, create));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    created += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { created, error: failed.reason };
  }
  return { created };
}

export function calculateStatus(rs: ReplicaSet, pods: Pod[], now: Date, manageError: { reason: string; message: string } | undefined): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const fully = pods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata?.labels?.[k] === v));
  let conditions = rs.status?.conditions;
  const failure = getCondition(conditions, 'ReplicaFailure');
  if (manageError && !failure) {
    conditions = setCondition(conditions, { type: 'ReplicaFailure', status: 'True', reason: manageError.reason, message: manageError.message, lastTransitionTime: rfc3339(now) });
  } else if (!manageError && failure) conditions = removeCondition(conditions, 'ReplicaFailure');
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fully.length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata?.generation,
  };
  if (conditions?.length) status.conditions = conditions;
  return status;
}

export function newReplicaSetReconciler(deps: ReplicaSetDeps): (key: string) => Promise<Result> {
  const { client, informers, clock, kind, expectations } = deps;
  const rsLister = informers.informer<ReplicaSet>(kind.r).lister;
  const podLister = controllerIndexedLister<Pod>(informers, R.pods);
  const rc = kind.r.kind === 'ReplicationController';
  const rec = recorderOf(deps.events(rc ? COMPONENT.replicationcontroller : COMPONENT.replicaset), kind.r);

  async function manage(key: string, rs: ReplicaSet, pods: Pod[]): Promise<{ reason: string; message: string; error: unknown } | undefined> {
    const want = rs.spec?.replicas ?? 1;
    const diff = pods.length - want;
    const ns = rs.metadata?.namespace ?? '';
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, n);
      const pod = podFromTemplate(rs, kind.r);
      const { created, error } = await slowStartCreate(n, async () => {
        try {
          // The same template object for every create: the client only serializes it.
          // Only the answer's name is read: its managedFields are not decoded.
          const made = await client.create(R.pods, ns, pod, { omitManagedFields: true });
          podCreated(rec, rs, made.metadata?.name ?? '');
        } catch (e) {
          podCreateFailed(rec, rs, e);
          throw e;
        }
      });
      if (error !== undefined) {
        // The creations that failed or never ran will not be observed.
        expectations.lowerCreations(key, n - created);
        return { reason: 'FailedCreate', message: errorMessage(error), error };
      }
    } else if (diff > 0) {
      const victims = [...pods].sort(compareForDeletion).slice(0, Math.min(diff, BURST_REPLICAS));
      expectations.expectDeletions(key, victims.map(keyOf));
      let firstError: unknown;
      await Promise.all(victims.map(async (p) => {
        try {
          await client.delete(R.pods, ns, p.metadata?.name ?? '', { preconditions: { uid: p.metadata?.uid } });
          podDeleted(rec, rs, p.metadata?.name ?? '');
        } catch (e) {
          expectations.lowerDeletions(key, keyOf(p));
          if (!isNotFound(e)) {
            podDeleteFailed(rec, rs, e);
            firstError ??= e;
          }
        }
      }));
      if (firstError !== undefined) return { reason: 'FailedDelete', message: errorMessage(firstError), error: firstError };
    }
    return undefined;
  }

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const rs = rsLister.get(namespace, name);
    if (!rs) {
      expectations.forget(key);
      return {};
    }
    const needsSync = expectations.satisfied(key);
    const all = claimCandidates(podLister, rs).filter(isPodActive);
    const pods = await claim({ client, owner: rs, ownerRt: kind.r, r: R.pods, selector: kind.selector(rs) }, all);
    let failure: Awaited<ReturnType<typeof manage>>;
    if (needsSync && !rs.metadata?.deletionTimestamp) failure = await manage(key, rs, pods);

    const now = clock.now();
    const status = calculateStatus(rs, pods, now, failure);
    await writeStatus(client, kind.r, rs, status);
    if (failure) throw failure.error;
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const waits = pods.map((p) => msUntilAvailable(p, minReady, now)).filter((x): x is number => x !== undefined);
    return waits.length ? { requeueAfterMs: Math.min(...waits) } : {};
  };
}
