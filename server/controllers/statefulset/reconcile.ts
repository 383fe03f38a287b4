// The StatefulSet controller: pods <set>-0..N-1 with stable names, hostnames and claims.
// OrderedReady creates one pod at a time, each only once the ones before it are running and
// ready, and removes surplus pods from the highest ordinal down, one at a time; Parallel does
// both without waiting. RollingUpdate replaces pods at ordinals >= partition whose revision is
// old, from the highest down, one at a time, waiting for each to be ready; OnDelete leaves
// replacement to whoever deletes the pods. Revisions are ControllerRevisions.

import { labelSelectorFromObject, NOTHING, type Selector } from '../../../api/meta/labels.ts';
import type { KubeObject } from '../../../api/types.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { claim } from '../common/claim.ts';
import { errorMessage, isAlreadyExists, isConflict, isNotFound } from '../common/errors.ts';
import { COMPONENT, recorderOf } from '../common/events.ts';
import { clone, splitKey } from '../common/keys.ts';
import { isControlledBy } from '../common/owners.ts';
import { isPodAvailable, isPodReady, msUntilAvailable, type Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import { PVCS } from '../node-lifecycle/resources.ts';
import { claimsFor, newStatefulSetPod, ordinalOf, podName, revisionOf, type StatefulSet, type StatefulSetStatus } from './identity.ts';
import { ensureUpdateRevision, revisionTemplate, truncateHistory, type ControllerRevision } from './revisions.ts';
import { claimCandidates, controlledBy, controllerIndexedLister } from '../common/controller-index.ts';

const isTerminating = (p: Pod) => Boolean(p.metadata?.deletionTimestamp);
const isFinished = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
const runningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);

export function selectorOf(set: StatefulSet): Selector {
  try {
    return labelSelectorFromObject(set.spec?.selector);
  } catch {
    return NOTHING;
  }
}

export function newStatefulSetReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, clock, log } = deps;
  const setLister = informers.informer<StatefulSet>(R.statefulSets).lister;
  const podLister = controllerIndexedLister<Pod>(informers, R.pods);
  const revLister = controllerIndexedLister<ControllerRevision>(informers, R.controllerRevisions);
  const pvcLister = informers.informer(PVCS).lister;
  const rec = recorderOf(deps.events(COMPONENT.statefulset), R.statefulSets);
  /** Upstream's wording: "<verb> Pod <pod> in StatefulSet <set> successful" (or "failed error: ..."). */
  const podEvent = (verb: 'create' | 'delete', set: StatefulSet, pod: string, err?: unknown) => {
    const Verb = verb[0].toUpperCase() + verb.slice(1);
    if (err === undefined) rec.event(set, 'Normal', `Successful${Verb}`, `${verb} Pod ${pod} in StatefulSet ${set.metadata?.name} successful`);
    else rec.event(set, 'Warning', `Failed${Verb}`, `${verb} Pod ${pod} in StatefulSet ${set.metadata?.name} failed error: ${errorMessage(err)}`);
  };

  async function ensureClaims(set: StatefulSet, ordinal: number): Promise<void> {
    const ns = set.metadata?.namespace ?? '';
    for (const pvc of claimsFor(set, ordinal)) {
      const existing = pvcLister.get(ns, pvc.metadata?.name ?? '');
      if (existing) {
        await syncClaimOwners(set, existing, pvc);
        continue;
      }
      const what = `create Claim ${pvc.metadata?.name} for Pod ${podName(set, ordinal)} in StatefulSet ${set.metadata?.name}`;
      try {
        await client.create(PVCS, ns, pvc);
        rec.event(set, 'Normal', 'SuccessfulCreate', `${what} success`);
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        rec.event(set, 'Warning', 'FailedCreate', `${what} failed error: ${errorMessage(e)}`);
        throw e;
      }
    }
  }

  /**
   * A live replica's claim carries the owners its retention policy asks for (the set for
   * whenDeleted=Delete, no pod): a policy changed later, or a claim left with the owner ref of
   * a pod condemned by an earlier scale-down, is brought in line (upstream's claim owner sync).
   */
  async function syncClaimOwners(set: StatefulSet, cur: KubeObject, want: KubeObject): Promise<void> {
    const setUid = set.metadata?.uid;
    const refs = cur.metadata?.ownerReferences ?? [];
    const others = refs.filter((r) => r.uid !== setUid && !(r.kind === 'Pod' && r.apiVersion === 'v1' && r.name?.startsWith(`${set.metadata?.name}-`)));
    const next = [...others, ...(want.metadata?.ownerReferences ?? [])];
    const ids = (rs: typeof refs) => rs.map((r) => r.uid).sort().join(',');
    if (ids(next) === ids(refs)) return;
    const updated = clone(cur);
    updated.metadata = { ...updated.metadata, ownerReferences: next };
    if (next.length === 0) delete updated.metadata.ownerReferences;
    try {
      await client.update(PVCS, set.metadata?.namespace ?? '', updated);
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }

  /** Before a scale-down with whenScaled=Delete, the claims get the pod as owner, so they go with it. */
  async function orphanClaimsToPod(set: StatefulSet, ordinal: number, pod: Pod): Promise<void> {
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const ns = set.metadata?.namespace ?? '';
    for (const want of claimsFor(set, ordinal, pod)) {
      const cur = pvcLister.get(ns, want.metadata?.name ?? '');
      if (!cur || cur.metadata?.ownerReferences?.some((r) => r.uid === pod.metadata?.uid)) continue;
      const next = clone(cur);
      const others = (next.metadata?.ownerReferences ?? []).filter((r) => r.uid !== set.metadata?.uid);
      next.metadata = { ...next.metadata, ownerReferences: [...others, ...(want.metadata?.ownerReferences ?? []).filter((r) => r.kind === 'Pod')] };
      await client.update(PVCS, ns, next);
    }
  }

  async function deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    try {
      await client.delete(R.pods, ns, pod.metadata?.name ?? '', { preconditions: { uid: pod.metadata?.uid } });
      podEvent('delete', set, pod.metadata?.name ?? '');
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      podEvent('delete', set, pod.metadata?.name ?? '', e);
      throw e;
    }
  }

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const set = setLister.get(namespace, name);
    if (!set) return {};
    const now = clock.now();
    const minReady = set.spec?.minReadySeconds ?? 0;
    const healthy = (p: Pod) => runningAndReady(p) && isPodAvailable(p, minReady, now);
    const candidates = claimCandidates(podLister, set).filter((p) => ordinalOf(set, p) >= 0 || isControlledBy(p, set));
    const pods = await claim({ client, owner: set, ownerRt: R.statefulSets, r: R.pods, selector: selectorOf(set) }, candidates);
    const owned = controlledBy(revLister, set);
    const revs = await ensureUpdateRevision(client, set, R.statefulSets, owned);
    const updateName = revs.update.metadata?.name ?? '';
    const current = revs.all.find((r) => r.metadata?.name === set.status?.currentRevision) ?? revs.update;
    const currentName = current.metadata?.name ?? '';

    const start = set.spec?.ordinals?.start ?? 0;
    const count = set.spec?.replicas ?? 1;
    const replicas: (Pod | undefined)[] = Array.from({ length: count });
    const condemned: Pod[] = [];
    for (const p of pods) {
      const ord = ordinalOf(set, p);
      if (ord >= start && ord < start + count) replicas[ord - start] = p;
      else if (ord >= 0) condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(set, a) - ordinalOf(set, b));
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const strategy = set.spec?.updateStrategy?.type ?? 'RollingUpdate';
    const partition = set.spec?.updateStrategy?.rollingUpdate?.partition;
    const currentCount = set.status?.currentReplicas ?? 0;
    /** Pods as they stand after this pass, for the status. */
    const after = new Map(pods.map((p) => [p.metadata?.name ?? '', p]));

    const sync = async (): Promise<void> => {
      if (set.metadata?.deletionTimestamp) return;
      for (let i = 0; i < count; i++) {
        const ordinal = start + i;
        const pod = replicas[i];
        if (pod && isFinished(pod) && !isTerminating(pod)) {
          log.info('statefulset deleting finished pod to recreate it', { namespace, name: pod.metadata?.name });
          await deletePod(set, pod);
          after.delete(pod.metadata?.name ?? '');
          if (monotonic) return;
          continue;
        }
        if (!pod) {
          const useCurrent = strategy === 'RollingUpdate' && (partition === undefined ? i < currentCount : i < partition);
          const fresh = newStatefulSetPod(set, revisionTemplate(useCurrent ? current : revs.update), ordinal, useCurrent ? currentName : updateName);
          await ensureClaims(set, ordinal);
          try {
            const created = await client.create<Pod>(R.pods, namespace, fresh);
            after.set(created.metadata?.name ?? '', created);
            podEvent('create', set, created.metadata?.name ?? '');
          } catch (e) {
            if (!isAlreadyExists(e)) {
              podEvent('create', set, fresh.metadata?.name ?? '', e);
              throw e;
            }
          }
          if (monotonic) return;
          continue;
        }
        if (isTerminating(pod)) {
          if (monotonic) return;
          continue;
        }
        if (monotonic && !healthy(pod)) return;
        await ensureClaims(set, ordinal);
      }
      const firstUnhealthy = [...replicas, ...condemned].find((p) => p && !healthy(p));
      for (let i = condemned.length - 1; i >= 0; i--) {
        const pod = condemned[i];
        if (isTerminating(pod)) {
          if (monotonic) return;
          continue;
        }
        if (monotonic && !healthy(pod) && pod !== firstUnhealthy) return;
        await orphanClaimsToPod(set, ordinalOf(set, pod), pod);
        await deletePod(set, pod);
        after.delete(pod.metadata?.name ?? '');
        if (monotonic) return;
      }
      if (strategy !== 'RollingUpdate') return;
      for (let i = count - 1; i >= Math.max(0, partition ?? 0); i--) {
        const pod = replicas[i];
        if (!pod) return;
        if (revisionOf(pod) !== updateName && !isTerminating(pod)) {
          log.info('statefulset replacing pod with the update revision', { namespace, name: pod.metadata?.name, revision: updateName });
          await deletePod(set, pod);
          after.delete(pod.metadata?.name ?? '');
          return;
        }
        if (!healthy(pod)) return;
      }
    };
    await sync();

    const live = [...after.values()];
    const created = live.filter((p) => !isTerminating(p));
    const status: StatefulSetStatus = {
      observedGeneration: set.metadata?.generation,
      replicas: live.length,
      readyReplicas: live.filter(runningAndReady).length,
      currentReplicas: created.filter((p) => revisionOf(p) === currentName).length,
      updatedReplicas: created.filter((p) => revisionOf(p) === updateName).length,
      availableReplicas: live.filter(healthy).length,
      currentRevision: currentName,
      updateRevision: updateName,
      collisionCount: revs.collisionCount,
    };
    if (strategy === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentRevision = updateName;
      status.currentReplicas = status.updatedReplicas;
    }
    if (set.status?.conditions) status.conditions = set.status.conditions;
    await writeStatus(client, R.statefulSets, set, status);
    const inUse = new Set([status.currentRevision ?? '', updateName, ...live.map(revisionOf)]);
    await truncateHistory(client, set, revs.all, inUse);
    const waits = live.map((p) => msUntilAvailable(p, minReady, now)).filter((x): x is number => x !== undefined);
    return waits.length ? { requeueAfterMs: Math.min(...waits) } : {};
  };
}
