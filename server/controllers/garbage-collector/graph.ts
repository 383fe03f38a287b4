// The garbage collector's view of ownership: which resources it watches, their informers
// indexed by owner uid (the owner -> dependents edges), and queue keys that name a resource.

import type { KubeObject, OwnerReference } from '../../../api/types.ts';
import type { Informer, InformerFactory, ResourceRef } from '../../../client/types.ts';
import { R, registry } from '../common/resources.ts';

export const OWNER_UID_INDEX = 'gc-owner-uid';

/** The first cut of monitored kinds: workloads and what they own. */
export const DEFAULT_MONITORED: ResourceRef[] = [
  R.pods, R.replicaSets, R.deployments, R.statefulSets, R.daemonSets, R.jobs, R.cronJobs,
  R.controllerRevisions, R.endpointSlices, R.endpoints, R.configMaps, R.secrets, R.services,
  R.serviceAccounts, R.replicationControllers,
];

const id = (r: { group: string; plural: string }) => `${r.group}/${r.plural}`;

/**
 * Resources the collector never watches, as upstream's defaults (--gc-ignored-resources): Events
 * own nothing and nobody sets an owner on them, and watching them kept a second and third copy
 * of every Event (core and events.k8s.io) in the controller-manager: ~2.5 KB per pod at scale.
 */
export const GC_IGNORED = new Set(['/events', 'events.k8s.io/events']);

export function gcKey(r: ResourceRef, namespace: string, name: string): string {
  return `${r.group}/${r.plural}/${namespace}/${name}`;
}

export function parseGcKey(key: string): { group: string; plural: string; namespace: string; name: string } {
  const [group = '', plural = '', namespace = '', name = ''] = key.split('/');
  return { group, plural, namespace, name };
}

/** The resource an owner reference points at, if the cluster serves it. */
export function resolveOwnerRef(ref: OwnerReference): ResourceRef | undefined {
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const version = slash < 0 ? ref.apiVersion : ref.apiVersion.slice(slash + 1);
  return registry.byKind(group, version, ref.kind) ?? registry.all().find((rt) => rt.group === group && rt.kind === ref.kind);
}

/** The queue key that asks the collector to read discovery again and watch what is new. */
export const DISCOVERY_KEY = '~discovery';

export class OwnerGraph {
  readonly #informers = new Map<string, { r: ResourceRef; inf: Informer }>();
  #onAdd: ((r: ResourceRef) => void) | undefined;

  constructor(
    private readonly informers: InformerFactory,
    monitored: ResourceRef[] = DEFAULT_MONITORED,
  ) {
    for (const r of monitored) this.add(r);
  }

  /** Every watched resource. */
  get monitored(): ResourceRef[] {
    return [...this.#informers.values()].map((x) => x.r);
  }

  /** Called for each resource watched from now on (the handlers hook in here). */
  onAdd(fn: (r: ResourceRef) => void): void {
    this.#onAdd = fn;
  }

  /** Starts watching a resource (a no-op when it is watched already or ignored); true when it is new. */
  add(r: ResourceRef): boolean {
    if (this.#informers.has(id(r)) || GC_IGNORED.has(id(r))) return false;
    const inf = this.informers.informer(r);
    inf.addIndex(OWNER_UID_INDEX, (o) => (o.metadata?.ownerReferences ?? []).map((x) => x.uid));
    this.#informers.set(id(r), { r, inf });
    this.#onAdd?.(r);
    return true;
  }

  /** The watched resource an owner reference points at (any version of its group and kind). */
  resolve(ref: OwnerReference): ResourceRef | undefined {
    const slash = ref.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
    for (const { r } of this.#informers.values()) if (r.group === group && r.kind === ref.kind) return r;
    return resolveOwnerRef(ref);
  }

  resource(group: string, plural: string): ResourceRef | undefined {
    return this.#informers.get(id({ group, plural }))?.r;
  }

  informer(r: { group: string; plural: string }): Informer | undefined {
    return this.#informers.get(id(r))?.inf;
  }

  /** Every watched object with an owner reference to this uid. */
  dependents(ownerUid: string): { r: ResourceRef; obj: KubeObject }[] {
    const out: { r: ResourceRef; obj: KubeObject }[] = [];
    for (const { r, inf } of this.#informers.values()) {
      for (const obj of inf.lister.byIndex(OWNER_UID_INDEX, ownerUid)) out.push({ r, obj });
    }
    return out;
  }

  /** The cached owner for a reference from an object in `namespace`, if watched. */
  cachedOwner(ref: OwnerReference, namespace: string): { r: ResourceRef; obj: KubeObject | undefined; watched: boolean } | undefined {
    const r = this.resolve(ref);
    if (!r) return undefined;
    const inf = this.informer(r);
    const ns = r.namespaced ? namespace : '';
    return { r, obj: inf?.lister.get(ns, ref.name), watched: inf !== undefined };
  }
}
