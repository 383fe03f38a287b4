// The namespace controller: a Namespace with a deletionTimestamp is marked Terminating, all
// its content is deleted kind by kind, and once nothing is left the `kubernetes` finalizer is
// taken off spec.finalizers through the finalize subresource; the apiserver then removes it.

import type { KubeObject } from '../../../api/types.ts';
import type { Client, ResourceRef, Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { errorMessage, isConflict, isNotFound } from '../common/errors.ts';
import { clone } from '../common/keys.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import { R } from '../common/resources.ts';
import { namespacedDeletableResources } from '../common/discovery.ts';
import { setCondition, type Condition } from '../common/conditions.ts';

export const FINALIZER_KUBERNETES = 'kubernetes';
/** How soon to look again while content is still going away. */
export const CONTENT_RECHECK_MS = 2000;

interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: Condition[] };
}

export interface ContentSummary {
  /** plural(.group) -> objects still present */
  remaining: Map<string, number>;
  /** finalizer -> objects that carry it */
  finalizers: Map<string, number>;
  failures: string[];
}

/** Deletes everything in the namespace once; reports what was still there. */
export async function deleteAllContent(client: Client, ns: string, resources: ResourceRef[]): Promise<ContentSummary> {
  const sum: ContentSummary = { remaining: new Map(), finalizers: new Map(), failures: [] };
  for (const r of resources) {
    const id = r.group ? `${r.plural}.${r.group}` : r.plural;
    let items: KubeObject[];
    try {
      items = (await client.list(r, ns)).items;
    } catch (e) {
      if (!isNotFound(e)) sum.failures.push(`${id}: ${errorMessage(e)}`);
      continue;
    }
    if (items.length === 0) continue;
    sum.remaining.set(id, items.length);
    for (const o of items) {
      for (const f of o.metadata?.finalizers ?? []) sum.finalizers.set(f, (sum.finalizers.get(f) ?? 0) + 1);
      if (o.metadata?.deletionTimestamp) continue;
      try {
        await client.delete(r, ns, o.metadata?.name ?? '', { propagationPolicy: 'Background', preconditions: { uid: o.metadata?.uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) sum.failures.push(`${id}/${o.metadata?.name}: ${errorMessage(e)}`);
      }
    }
  }
  return sum;
}

function conditionsFor(sum: ContentSummary, now: string): Condition[] {
  const c = (type: string, status: boolean, reason: string, message: string): Condition => ({
    type, status: status ? 'True' : 'False', reason, message, lastTransitionTime: now,
  });
  const list = (m: Map<string, number>, fmt: (k: string, n: number) => string) => [...m].sort().map(([k, n]) => fmt(k, n)).join(', ');
  return [
    c('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered'),
    c('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
    sum.failures.length
      ? c('NamespaceDeletionContentFailure', true, 'ContentDeletionFailed', `Failed to delete all resource types, ${sum.failures.length} remaining: ${sum.failures.join(', ')}`)
      : c('NamespaceDeletionContentFailure', false, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
    sum.remaining.size
      ? c('NamespaceContentRemaining', true, 'SomeResourcesRemain', `Some resources are remaining: ${list(sum.remaining, (k, n) => `${k} has ${n} resource instances`)}`)
      : c('NamespaceContentRemaining', false, 'ContentRemoved', 'All content successfully removed'),
    sum.finalizers.size
      ? c('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${list(sum.finalizers, (k, n) => `${k} in ${n} resource instances`)}`)
      : c('NamespaceFinalizersRemaining', false, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
  ];
}

export interface NamespaceDeps extends ControllerContext {
  /** The namespaced kinds to empty; default: every one discovery lists with list and delete. */
  resources?: () => Promise<ResourceRef[]>;
}

export function newNamespaceReconciler(deps: NamespaceDeps): (key: string) => Promise<Result> {
  const { client, clock } = deps;
  const resources = deps.resources ?? (() => namespacedDeletableResources(client));
  return async (name) => {
    let ns: Namespace;
    try {
      ns = await client.get<Namespace>(R.namespaces, '', name);
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return {};
    if (ns.status?.phase !== 'Terminating') {
      ns = await client.update<Namespace>(R.namespaces, '', { ...clone(ns), status: { ...ns.status, phase: 'Terminating' } }, { subresource: 'status' });
    }
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return {};
    const sum = await deleteAllContent(client, name, await resources());
    const now = rfc3339(clock.now());
    let conds = ns.status?.conditions;
    for (const c of conditionsFor(sum, now)) conds = setCondition(conds, c);
    if (JSON.stringify(conds) !== JSON.stringify(ns.status?.conditions)) {
      ns = await client.update<Namespace>(R.namespaces, '', { ...clone(ns), status: { ...ns.status, phase: 'Terminating', conditions: conds } }, { subresource: 'status' });
    }
    if (sum.failures.length) throw new Error(`namespace ${name}: ${sum.failures.join('; ')}`);
    if (sum.remaining.size) return { requeueAfterMs: CONTENT_RECHECK_MS };
    const next = clone(ns);
    next.spec = { ...next.spec, finalizers: (next.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES) };
    try {
      await client.update(R.namespaces, '', next, { subresource: 'finalize' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return {};
  };
}
