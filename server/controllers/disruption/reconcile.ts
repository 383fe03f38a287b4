// The disruption controller: keeps each PodDisruptionBudget's status current: the pods its
// selector matches, how many are healthy (ready, not being deleted, not recently evicted),
// how many must stay healthy (minAvailable, or the controllers' scale minus maxUnavailable),
// and so how many voluntary disruptions are allowed now. Evictions recorded in disruptedPods
// drop out once the pod is gone or after two minutes.

import { splitApiVersion, type KubeObject } from '../../../api/types.ts';
import { labelSelectorFromObject, NOTHING, type Selector } from '../../../api/meta/labels.ts';
import type { Client, Lister, Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { errorMessage, isNotFound } from '../common/errors.ts';
import { parseTime, splitKey } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import { controllerRefOf } from '../common/owners.ts';
import { isPodReady, type Pod } from '../common/pods.ts';
import { R, registry } from '../common/resources.ts';
import { writeStatus } from '../common/status.ts';
import { PDBS } from '../node-lifecycle/resources.ts';
import { budgetStatus, expectedCounts, failSafeStatus, needsScale, type PodDisruptionBudget } from './budget.ts';

/** How long an eviction recorded in disruptedPods holds a pod out of the healthy count. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

interface Scalable extends KubeObject {
  spec?: { replicas?: number };
}

export function pdbSelector(pdb: PodDisruptionBudget): Selector {
  try {
    return labelSelectorFromObject(pdb.spec?.selector);
  } catch {
    return NOTHING;
  }
}

/** Upstream's finders: a pod's scale comes from its RC, Deployment (through its RS), RS or StatefulSet, or a scale subresource. */
function scaleFinder(client: Client, listers: Record<'rc' | 'rs' | 'deploy' | 'sts', Lister<Scalable>>) {
  return async (pod: Pod): Promise<{ uid: string; replicas: number } | undefined> => {
    const ns = pod.metadata?.namespace ?? '';
    const ref = controllerRefOf(pod);
    if (!ref) return undefined;
    const fromLister = (l: Lister<Scalable>, name: string, uid: string) => {
      const o = l.get(ns, name);
      return o && o.metadata?.uid === uid ? { uid, replicas: o.spec?.replicas ?? 1, obj: o } : undefined;
    };
    if (ref.kind === 'ReplicaSet' && ref.apiVersion.startsWith('apps/')) {
      const rs = fromLister(listers.rs, ref.name, ref.uid);
      const dref = rs && controllerRefOf(rs.obj);
      if (dref?.kind === 'Deployment') {
        const d = fromLister(listers.deploy, dref.name, dref.uid);
        return d && { uid: d.uid, replicas: d.replicas };
      }
      return rs && { uid: rs.uid, replicas: rs.replicas };
    }
    if (ref.kind === 'ReplicationController' && ref.apiVersion === 'v1') return fromLister(listers.rc, ref.name, ref.uid);
    if (ref.kind === 'StatefulSet' && ref.apiVersion.startsWith('apps/')) return fromLister(listers.sts, ref.name, ref.uid);
    const { group, version } = splitApiVersion(ref.apiVersion);
    const rt = registry.resources(group, version).find((r) => r.kind === ref.kind && r.subresources?.some((s) => s.name === 'scale'));
    if (!rt) return undefined;
    try {
      const scale = await client.get<Scalable & { status?: { selector?: string } }>(rt, ns, ref.name, { subresource: 'scale' });
      return scale.metadata?.uid === ref.uid || !scale.metadata?.uid ? { uid: ref.uid, replicas: scale.spec?.replicas ?? 0 } : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
}

export function newDisruptionReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, clock } = deps;
  const pdbLister = informers.informer<PodDisruptionBudget>(PDBS).lister;
  const podLister = informers.informer<Pod>(R.pods).lister;
  const findScale = scaleFinder(client, {
    rc: informers.informer<Scalable>(R.replicationControllers).lister,
    rs: informers.informer<Scalable>(R.replicaSets).lister,
    deploy: informers.informer<Scalable>(R.deployments).lister,
    sts: informers.informer<Scalable>(R.statefulSets).lister,
  });

  async function totalScale(pods: Pod[]): Promise<number | string> {
    const seen = new Map<string, number>();
    for (const pod of pods) {
      const s = await findScale(pod);
      if (!s) return `found no controllers for pod ${JSON.stringify(pod.metadata?.name)}`;
      seen.set(s.uid, s.replicas);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const pdb = pdbLister.get(namespace, name);
    if (!pdb) return {};
    const now = clock.now();
    const at = rfc3339(now);
    const sel = pdbSelector(pdb);
    const pods = podLister.list(namespace).filter((p) => sel.matches(p.metadata?.labels));

    let scale = 0;
    if (needsScale(pdb.spec)) {
      let s: number | string;
      try {
        s = await totalScale(pods);
      } catch (e) {
        s = errorMessage(e);
      }
      if (typeof s === 'string') {
        await writeStatus(client, PDBS, pdb, failSafeStatus(pdb, s, at));
        return {};
      }
      scale = s;
    }
    const counts = expectedCounts(pdb.spec, pods.length, scale);
    if (typeof counts === 'string') {
      await writeStatus(client, PDBS, pdb, failSafeStatus(pdb, counts, at));
      return {};
    }

    // Evictions the apiserver recorded: kept while the pod still stands and the record is fresh.
    const byName = new Map(pods.map((p) => [p.metadata?.name ?? '', p]));
    const disrupted: Record<string, string> = {};
    let nextExpiry: number | undefined;
    for (const [podName, when] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const pod = byName.get(podName);
      const t = parseTime(when);
      if (!pod || pod.metadata?.deletionTimestamp || t === undefined) continue;
      const expires = t + DELETION_TIMEOUT_MS;
      if (expires <= now.getTime()) continue;
      disrupted[podName] = when;
      nextExpiry = Math.min(nextExpiry ?? Infinity, expires - now.getTime());
    }
    const healthy = pods.filter((p) => !p.metadata?.deletionTimestamp && !Object.hasOwn(disrupted, p.metadata?.name ?? '') && isPodReady(p)).length;
    await writeStatus(client, PDBS, pdb, budgetStatus(pdb, counts, healthy, disrupted, at));
    return nextExpiry !== undefined ? { requeueAfterMs: nextExpiry } : {};
  };
}
