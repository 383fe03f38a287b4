// What every Deployment sync shares: finding or creating the new ReplicaSet (with its
// revision and replica annotations), scaling ReplicaSets, proportional scaling, history
// cleanup, and computing status.

import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../common/events.ts';
import { errorMessage, isAlreadyExists, isConflict, isNotFound } from '../common/errors.ts';
import { clone } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import { controllerRefOf, newControllerRef } from '../common/owners.ts';
import { R } from '../common/resources.ts';
import {
  ANNOTATIONS_NOT_COPIED, DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION, REVISION_HISTORY, Reason,
  type Deployment, type DeploymentStatus, type ReplicaSet,
} from './types.ts';
import {
  activeReplicaSets, byRevision, computeHash, deploymentCondition, equalIgnoreHash, getProgressing, hasProgressDeadline, isRollingUpdate,
  maxSurge, maxUnavailable, newerFirst, newRSNewReplicas, olderFirst, replicasOf, revisionOf, setDeploymentCondition, sumReplicas, sumStatus,
} from './util.ts';

export interface SyncState {
  client: Client;
  /** The deployment-controller's recorder (ScalingReplicaSet and friends, on the Deployment). */
  events: EventRecorder;
  now: Date;
  d: Deployment;
  /** The status being built this sync; written once at the end. */
  status: DeploymentStatus;
  /** The new ReplicaSet once found or created (the cache may not have it yet). */
  newRS?: ReplicaSet;
}

/** The oldest ReplicaSet whose template equals the Deployment's (ignoring the hash label). */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(olderFirst).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Copies the Deployment's annotations and sets the revision; true when rs changed. */
function setNewRSAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number): boolean {
  const a = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_NOT_COPIED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const old = a[REVISION];
  if (Number(old ?? '0') < newRevision) {
    a[REVISION] = String(newRevision);
    if (old !== undefined) a[REVISION_HISTORY] = a[REVISION_HISTORY] ? `${a[REVISION_HISTORY]},${old}` : old;
    changed = true;
  }
  return changed;
}

function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata!.annotations ??= {});
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

/**
 * Returns the new ReplicaSet (annotations brought up to date), creating it when asked and
 * missing. The Deployment's own revision annotation follows the new ReplicaSet's.
 */
export async function getNewReplicaSet(s: SyncState, rss: ReplicaSet[], old: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const { client, d } = s;
  const ns = d.metadata?.namespace ?? '';
  const existing = findNewReplicaSet(d, rss);
  const newRevision = Math.max(0, ...old.map(revisionOf)) + 1;
  const now = rfc3339(s.now);
  if (existing) {
    // Only annotations and spec.minReadySeconds may change: copy those levels, not the whole object.
    const copy: ReplicaSet = { ...existing, metadata: { ...existing.metadata, annotations: { ...existing.metadata?.annotations } }, spec: { ...existing.spec } };
    const annotated = setNewRSAnnotations(d, copy, newRevision);
    const minReady = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
    let rs = existing;
    if (annotated || minReady) {
      copy.spec!.minReadySeconds = d.spec?.minReadySeconds;
      rs = await client.update<ReplicaSet>(R.replicaSets, ns, copy);
    }
    if (hasProgressDeadline(d) && !getProgressing(s.status)) {
      setDeploymentCondition(s.status, deploymentCondition('Progressing', 'True', Reason.FoundNewRS, `Found new replica set "${rs.metadata?.name}"`, now));
    }
    return (s.newRS = rs);
  }
  if (!create) return undefined;

  const hash = computeHash(d.spec?.template, s.status.collisionCount);
  const template = clone(d.spec?.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
  const selector = clone(d.spec?.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${d.metadata?.name}-${hash}`, namespace: ns, labels: { ...template.metadata.labels }, ownerReferences: [newControllerRef(d, R.deployments)] },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  rs.spec!.replicas = newRSNewReplicas(d, old, rs);
  setNewRSAnnotations(d, rs, newRevision);
  setReplicasAnnotations(rs, d.spec?.replicas ?? 1, (d.spec?.replicas ?? 1) + maxSurge(d));
  try {
    const created = await client.create<ReplicaSet>(R.replicaSets, ns, rs);
    const n = replicasOf(created);
    if (n > 0) s.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} to ${n}`);
    if (hasProgressDeadline(d)) {
      setDeploymentCondition(s.status, deploymentCondition('Progressing', 'True', Reason.NewRSCreated, `Created new replica set "${created.metadata?.name}"`, now));
    }
    return (s.newRS = created);
  } catch (e) {
    if (!isAlreadyExists(e)) {
      const msg = `Failed to create new replica set "${rs.metadata?.name}": ${errorMessage(e)}`;
      if (hasProgressDeadline(d)) {
        setDeploymentCondition(s.status, deploymentCondition('Progressing', 'False', Reason.FailedCreate, msg, now));
      }
      s.events.event(d, 'Warning', Reason.FailedCreate, msg);
      throw e;
    }
    const clash = await client.get<ReplicaSet>(R.replicaSets, ns, rs.metadata!.name!);
    if (controllerRefOf(clash)?.uid === d.metadata?.uid && equalIgnoreHash(clash.spec?.template, d.spec?.template)) return (s.newRS = clash);
    // A different ReplicaSet holds the name: bump the collision count so the next hash differs.
    s.status.collisionCount = (s.status.collisionCount ?? 0) + 1;
    throw new Error(`hash collision for ReplicaSet "${rs.metadata?.name}": collisionCount is now ${s.status.collisionCount}`);
  }
}

/** Scales one ReplicaSet (and stamps the replica annotations); true when it wrote. */
export async function scaleReplicaSet(s: SyncState, rs: ReplicaSet, size: number): Promise<boolean> {
  const copy = clone(rs);
  const desired = s.d.spec?.replicas ?? 1;
  const annotated = setReplicasAnnotations(copy, desired, desired + maxSurge(s.d));
  if (replicasOf(rs) === size && !annotated) return false;
  const from = replicasOf(rs);
  copy.spec!.replicas = size;
  const written = await s.client.update<ReplicaSet>(R.replicaSets, rs.metadata?.namespace ?? '', copy);
  Object.assign(rs, written);
  if (from !== size) {
    s.events.event(s.d, 'Normal', 'ScalingReplicaSet', `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata?.name} to ${size} from ${from}`);
  }
  return true;
}

const fraction = (d: Deployment, rs: ReplicaSet): number => {
  const desired = d.spec?.replicas ?? 1;
  if (desired === 0) return -replicasOf(rs);
  const target = desired + maxSurge(d);
  const annotated = Number(rs.metadata?.annotations?.[MAX_REPLICAS] ?? NaN);
  const base = Number.isFinite(annotated) && annotated > 0 ? annotated : (d.status?.replicas ?? 0);
  if (base === 0) return 0;
  const x = (replicasOf(rs) * target) / base;
  return Math.sign(x) * Math.round(Math.abs(x)) - replicasOf(rs);
};

/** Scaling without a rollout: one active ReplicaSet takes all, else proportional to size. */
export async function scale(s: SyncState, newRS: ReplicaSet | undefined, old: ReplicaSet[]): Promise<void> {
  const d = s.d;
  const desired = d.spec?.replicas ?? 1;
  const all = [...old, ...(newRS ? [newRS] : [])];
  const active = activeReplicaSets(all);
  if (active.length <= 1) {
    const target = active[0] ?? newRS ?? [...old].sort(newerFirst)[0];
    if (target && replicasOf(target) !== desired) await scaleReplicaSet(s, target, desired);
    return;
  }
  if (newRS && replicasOf(newRS) === desired && newRS.metadata?.annotations?.[DESIRED_REPLICAS] === String(desired) && (newRS.status?.availableReplicas ?? 0) === desired) {
    for (const rs of activeReplicaSets(old)) await scaleReplicaSet(s, rs, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(active);
  const bySize = (a: ReplicaSet, b: ReplicaSet) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? newerFirst(a, b) : olderFirst(a, b));
  const ordered = [...active].sort(bySize);
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of ordered) {
    let p = 0;
    if (toAdd !== 0 && added !== toAdd && replicasOf(rs) !== 0) {
      const f = fraction(d, rs);
      p = toAdd > 0 ? Math.min(f, toAdd - added) : Math.max(f, toAdd - added);
    }
    sizes.set(rs, replicasOf(rs) + p);
    added += p;
  }
  if (ordered.length && added !== toAdd) sizes.set(ordered[0], Math.max(0, (sizes.get(ordered[0]) ?? 0) + toAdd - added));
  for (const rs of ordered) await scaleReplicaSet(s, rs, sizes.get(rs) ?? 0);
}

/** Deletes the oldest idle ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupHistory(s: SyncState, old: ReplicaSet[]): Promise<void> {
  const limit = s.d.spec?.revisionHistoryLimit;
  if (limit === undefined) return;
  const alive = old.filter((rs) => !rs.metadata?.deletionTimestamp).sort(byRevision);
  const diff = alive.length - limit;
  for (const rs of alive.slice(0, Math.max(0, diff))) {
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await s.client.delete(R.replicaSets, rs.metadata?.namespace ?? '', rs.metadata?.name ?? '', { preconditions: { uid: rs.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
}

/** Counts from the ReplicaSets, and the Available condition. */
export function calculateStatus(s: SyncState, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
  const d = s.d;
  const st = s.status;
  const available = sumStatus(all, 'availableReplicas');
  const total = sumStatus(all, 'replicas');
  st.observedGeneration = d.metadata?.generation;
  st.replicas = total;
  st.updatedReplicas = newRS?.status?.replicas ?? 0;
  st.readyReplicas = sumStatus(all, 'readyReplicas');
  st.availableReplicas = available;
  st.unavailableReplicas = Math.max(0, total - available);
  const now = rfc3339(s.now);
  if (available >= (d.spec?.replicas ?? 1) - maxUnavailable(d)) {
    setDeploymentCondition(st, deploymentCondition('Available', 'True', Reason.MinimumAvailable, 'Deployment has minimum availability.', now));
  } else {
    setDeploymentCondition(st, deploymentCondition('Available', 'False', Reason.MinimumUnavailable, 'Deployment does not have minimum availability.', now));
  }
}
