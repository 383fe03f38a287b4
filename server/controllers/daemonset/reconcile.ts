// The DaemonSet controller: one pod on every node that should run one (placement.ts), none
// on the others; failed pods are replaced and extra pods on a node removed. RollingUpdate
// replaces pods whose revision hash is old within maxUnavailable (delete, then create) or
// maxSurge (create, then delete the old pod once the new one is available); OnDelete leaves
// that to whoever deletes pods. Status counts nodes, not pods.

import { labelSelectorFromObject, NOTHING, type Selector } from '../../../api/meta/labels.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { claim } from '../common/claim.ts';
import { isConflict, isNotFound } from '../common/errors.ts';
import { COMPONENT, podCreated, podCreateFailed, podDeleted, podDeleteFailed, recorderOf } from '../common/events.ts';
import type { Expectations } from '../common/expectations.ts';
import { keyOf, parseTime, splitKey } from '../common/keys.ts';
import { isPodAvailable, isPodReady, msUntilAvailable, type Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import type { Node } from '../node-lifecycle/taints.ts';
import { ensureUpdateRevision, REVISION_HASH_LABEL, truncateHistory, type ControllerRevision } from '../statefulset/revisions.ts';
import { newDaemonPod, placement, scaled, targetNode, type DaemonSet, type DaemonSetStatus } from './placement.ts';
import { claimCandidates, controlledBy, controllerIndexedLister } from '../common/controller-index.ts';

export interface DaemonSetDeps extends ControllerContext {
  expectations: Expectations;
}

export function selectorOf(ds: DaemonSet): Selector {
  try {
    return labelSelectorFromObject(ds.spec?.selector);
  } catch {
    return NOTHING;
  }
}

const created = (p: Pod) => parseTime(p.metadata?.creationTimestamp) ?? 0;
const byAge = (a: Pod, b: Pod) => created(a) - created(b) || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);
const isNew = (p: Pod, hash: string) => p.metadata?.labels?.[REVISION_HASH_LABEL] === hash;

interface Plan {
  create: string[];
  remove: Pod[];
}

/** Upstream's podsShouldBeOnNode for one node. */
function manageNode(ds: DaemonSet, node: Node | undefined, pods: Pod[], hash: string, surge: boolean, now: Date, plan: Plan): void {
  const { shouldRun, shouldContinueRunning } = node ? placement(ds, node) : { shouldRun: false, shouldContinueRunning: false };
  if (shouldRun && pods.length === 0) {
    plan.create.push(node?.metadata?.name ?? '');
    return;
  }
  if (!shouldContinueRunning) {
    plan.remove.push(...pods.filter((p) => !p.metadata?.deletionTimestamp));
    return;
  }
  const running: Pod[] = [];
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (p.status?.phase === 'Failed') plan.remove.push(p);
    else running.push(p);
  }
  running.sort(byAge);
  if (!surge) {
    plan.remove.push(...running.slice(1));
    return;
  }
  const oldestNew = running.find((p) => isNew(p, hash));
  const oldestOld = running.find((p) => !isNew(p, hash));
  plan.remove.push(...running.filter((p) => p !== oldestNew && p !== oldestOld));
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, now))) plan.remove.push(oldestOld);
}

/** Upstream's rollingUpdate: which old pods to delete and on which nodes to surge. */
function rollingUpdate(ds: DaemonSet, nodeToPods: Map<string, Pod[]>, desired: number, hash: string, now: Date, plan: Plan): void {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = scaled(ru?.maxSurge, desired, 0);
  const maxUnavailable = scaled(ru?.maxUnavailable, desired, maxSurge > 0 ? 0 : 1);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const allowed: Pod[] = [];
  const candidates: Pod[] = [];
  const surgeAllowed: string[] = [];
  const surgeCandidates: string[] = [];
  let unavailable = 0;
  for (const [nodeName, all] of [...nodeToPods].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const pods = all.filter((p) => !p.metadata?.deletionTimestamp);
    const news = pods.filter((p) => isNew(p, hash));
    const olds = pods.filter((p) => !isNew(p, hash));
    if (news.length > 1 || olds.length > 1) {
      unavailable++;
      continue;
    }
    const [newPod, oldPod] = [news[0], olds[0]];
    if (maxSurge === 0) {
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (!available(oldPod)) allowed.push(oldPod);
      else if (unavailable < maxUnavailable) candidates.push(oldPod);
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) surgeAllowed.push(nodeName);
      else surgeCandidates.push(nodeName);
    } else if (!available(newPod)) unavailable++;
  }
  if (maxSurge === 0) {
    plan.remove.push(...allowed, ...candidates.slice(0, Math.max(0, maxUnavailable - unavailable)));
    return;
  }
  plan.create.push(...surgeAllowed, ...surgeCandidates.slice(0, Math.max(0, maxSurge - unavailable)));
}

export function newDaemonSetReconciler(deps: DaemonSetDeps): (key: string) => Promise<Result> {
  const { client, informers, clock, expectations } = deps;
  const dsLister = informers.informer<DaemonSet>(R.daemonSets).lister;
  const podLister = controllerIndexedLister<Pod>(informers, R.pods);
  const nodeLister = informers.informer<Node>(NODES).lister;
  const revLister = controllerIndexedLister<ControllerRevision>(informers, R.controllerRevisions);
  const rec = recorderOf(deps.events(COMPONENT.daemonset), R.daemonSets);

  async function apply(key: string, ds: DaemonSet, hash: string, plan: Plan): Promise<void> {
    const ns = ds.metadata?.namespace ?? '';
    let firstError: unknown;
    if (plan.create.length) {
      expectations.expectCreations(key, plan.create.length);
      await Promise.all(plan.create.map(async (nodeName) => {
        try {
          const made = await client.create(R.pods, ns, newDaemonPod(ds, nodeName, hash));
          podCreated(rec, ds, made.metadata?.name ?? '');
        } catch (e) {
          expectations.lowerCreations(key);
          podCreateFailed(rec, ds, e);
          firstError ??= e;
        }
      }));
    }
    if (plan.remove.length) {
      expectations.expectDeletions(key, plan.remove.map(keyOf));
      await Promise.all(plan.remove.map(async (p) => {
        try {
          await client.delete(R.pods, ns, p.metadata?.name ?? '', { preconditions: { uid: p.metadata?.uid } });
          podDeleted(rec, ds, p.metadata?.name ?? '');
        } catch (e) {
          expectations.lowerDeletions(key, keyOf(p));
          if (isNotFound(e) || isConflict(e)) return;
          podDeleteFailed(rec, ds, e);
          firstError ??= e;
        }
      }));
    }
    if (firstError !== undefined) throw firstError;
  }

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const ds = dsLister.get(namespace, name);
    if (!ds) {
      expectations.forget(key);
      return {};
    }
    const now = clock.now();
    const owned = controlledBy(revLister, ds);
    const revs = await ensureUpdateRevision(client, ds, R.daemonSets, owned);
    const hash = revs.hash;
    const candidates = claimCandidates(podLister, ds);
    const pods = await claim({ client, owner: ds, ownerRt: R.daemonSets, r: R.pods, selector: selectorOf(ds) }, candidates);
    const nodes = nodeLister.list();
    const byNode = (list: Pod[]) => {
      const m = new Map<string, Pod[]>();
      for (const p of list) {
        const n = targetNode(p);
        if (n) m.set(n, [...(m.get(n) ?? []), p]);
      }
      return m;
    };
    let nodeToPods = byNode(pods);
    const surge = scaled(ds.spec?.updateStrategy?.rollingUpdate?.maxSurge, 1, 0) > 0 && ds.spec?.updateStrategy?.type !== 'OnDelete';

    if (expectations.satisfied(key) && !ds.metadata?.deletionTimestamp) {
      const plan: Plan = { create: [], remove: [] };
      const known = new Set<string>();
      for (const node of nodes) {
        known.add(node.metadata?.name ?? '');
        manageNode(ds, node, nodeToPods.get(node.metadata?.name ?? '') ?? [], hash, surge, now, plan);
      }
      for (const [n, ps] of nodeToPods) if (!known.has(n)) manageNode(ds, undefined, ps, hash, surge, now, plan);
      if (plan.create.length === 0 && plan.remove.length === 0 && ds.spec?.updateStrategy?.type !== 'OnDelete') {
        const desired = nodes.filter((n) => placement(ds, n).shouldRun).length;
        const eligible = new Map([...nodeToPods].filter(([n]) => nodes.some((x) => x.metadata?.name === n && placement(ds, x).shouldContinueRunning)));
        rollingUpdate(ds, eligible, desired, hash, now, plan);
      }
      await apply(key, ds, hash, plan);
      // Count what the cache holds now, as upstream's status update lists again.
      if (plan.create.length || plan.remove.length) nodeToPods = byNode(controlledBy(podLister, ds));
    }

    const minReady = ds.spec?.minReadySeconds ?? 0;
    const status: DaemonSetStatus = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, numberAvailable: 0, updatedNumberScheduled: 0 };
    for (const node of nodes) {
      const { shouldRun } = placement(ds, node);
      const here = (nodeToPods.get(node.metadata?.name ?? '') ?? []).filter((p) => !p.metadata?.deletionTimestamp).sort(byAge);
      if (shouldRun) status.desiredNumberScheduled++;
      if (here.length === 0) continue;
      if (!shouldRun) {
        status.numberMisscheduled++;
        continue;
      }
      status.currentNumberScheduled++;
      const first = here[0];
      if (isPodReady(first)) status.numberReady++;
      if (isPodAvailable(first, minReady, now)) status.numberAvailable = (status.numberAvailable ?? 0) + 1;
      if (isNew(first, hash)) status.updatedNumberScheduled = (status.updatedNumberScheduled ?? 0) + 1;
    }
    const unavailable = status.desiredNumberScheduled - (status.numberAvailable ?? 0);
    if (unavailable > 0) status.numberUnavailable = unavailable;
    status.observedGeneration = ds.metadata?.generation;
    if (revs.collisionCount) status.collisionCount = revs.collisionCount;
    if (ds.status?.conditions) status.conditions = ds.status.conditions;
    await writeStatus(client, R.daemonSets, ds, status);
    const live = new Set([revs.update.metadata?.name ?? '', ...pods.map((p) => `${name}-${p.metadata?.labels?.[REVISION_HASH_LABEL] ?? ''}`)]);
    await truncateHistory(client, ds, revs.all, live);
    const waits = pods.map((p) => msUntilAvailable(p, minReady, now)).filter((x): x is number => x !== undefined);
    return waits.length ? { requeueAfterMs: Math.min(...waits) } : {};
  };
}
