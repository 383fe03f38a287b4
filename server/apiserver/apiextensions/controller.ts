// The apiextensions controllers of the apiserver, in one loop over CRD events: a CRD whose
// names are accepted is registered (one ResourceType per served version) and then marked
// NamesAccepted and Established; a deleted one (Terminating, held by its cleanup finalizer)
// has its custom resources deleted, then the finalizer goes and its resources leave the
// registry. The registry's listeners take discovery, OpenAPI and watch caches along.

import type { Registry } from '../../../api/registry.ts';
import type { KubeObject, ResourceType } from '../../../api/types.ts';
import { customResourceTypes } from '../../../api/apiextensions/custom-resource/resource-type.ts';
import { setCondition } from '../../../api/apiextensions/custom-resource-definition/strategy.ts';
import { CLEANUP_FINALIZER, crdCondition, type CustomResourceDefinition } from '../../../api/apiextensions/custom-resource-definition/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import type { Logger } from '../../log.ts';
import type { GenericStore } from '../registry/store.ts';
import type { RequestContext, WatchHandle } from '../registry/types.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Clock } from '../../../client/types.ts';
import { checkNames } from './names.ts';
import { conversionWebhook } from './conversion-webhook.ts';
import type { ClusterReader } from '../aggregation/types.ts';

export interface CrdControllerDeps {
  registry: Registry;
  engineFor(rt: ResourceType): GenericStore;
  clock: Pick<Clock, 'now'>;
  log: Logger;
  /** Services and EndpointSlices (watch cache): where a conversion webhook's service is. */
  reader: ClusterReader;
  /** How soon to look again at a CRD whose custom resources are still going away. */
  recheckMs?: number;
}

const CRD = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };

export class CrdController {
  readonly #served = new Map<string, ResourceType[]>();
  /** What each served set was built from, so a status-only change rebuilds nothing. */
  readonly #servedFrom = new Map<string, string>();
  readonly #crds = new Map<string, CustomResourceDefinition>();
  readonly #pending = new Set<string>();
  readonly #builtins: ResourceType[];
  #running = false;
  #watch: WatchHandle | undefined;
  #stopped = false;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: CrdControllerDeps) {
    this.#builtins = deps.registry.all();
  }

  private ctx(namespace = ''): RequestContext {
    return { user: { username: 'system:apiserver', groups: ['system:masters'] }, namespace, now: this.deps.clock.now(), dryRun: false, fieldValidation: 'Ignore', warnings: [] };
  }

  private get engine(): GenericStore {
    return this.deps.engineFor(this.deps.registry.get(CRD.group, CRD.version, CRD.plural)!);
  }

  /** Lists and serves every CRD (before the apiserver reports ready), then follows changes. */
  async start(): Promise<void> {
    const page = await this.engine.list(this.ctx(), {});
    for (const o of page.items) this.#crds.set(o.metadata!.name!, o as CustomResourceDefinition);
    for (const name of this.#crds.keys()) await this.reconcile(name).catch((e) => this.deps.log.warn('crd reconcile failed', { name, err: e as Error }));
    await this.follow(page.resourceVersion);
  }

  private async follow(resourceVersion: string): Promise<void> {
    if (this.#stopped) return;
    this.#watch = await this.engine.watch(
      this.ctx(),
      { resourceVersion },
      (e) => {
        if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
        const name = e.object.metadata?.name ?? '';
        if (e.type === 'DELETED') this.#crds.delete(name);
        else this.#crds.set(name, e.object as CustomResourceDefinition);
        this.enqueue(name);
      },
      () => {
        if (this.#stopped) return;
        // Relist: names may have come and gone while the watch was down.
        void this.engine.list(this.ctx(), {}).then(async (page) => {
          const live = new Set(page.items.map((o) => o.metadata!.name!));
          for (const n of [...this.#crds.keys(), ...this.#served.keys()]) if (!live.has(n)) this.#crds.delete(n), this.enqueue(n);
          for (const o of page.items) this.#crds.set(o.metadata!.name!, o as CustomResourceDefinition), this.enqueue(o.metadata!.name!);
          await this.follow(page.resourceVersion);
        }).catch((err) => this.deps.log.warn('crd watch restart failed', { err: err as Error }));
      },
    );
  }

  stop(): void {
    this.#stopped = true;
    this.#watch?.stop();
    for (const t of this.#timers) clearTimeout(t);
  }

  enqueue(name: string): void {
    this.#pending.add(name);
    if (!this.#running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.#running = true;
    while (this.#pending.size && !this.#stopped) {
      const name = this.#pending.values().next().value as string;
      this.#pending.delete(name);
      await this.reconcile(name).catch((e) => {
        this.deps.log.warn('crd reconcile failed', { name, err: e as Error });
        this.later(name, 1000);
      });
    }
    this.#running = false;
  }

  private later(name: string, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.enqueue(name);
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  private serve(name: string, types: ResourceType[], from = ''): void {
    if (from && this.#servedFrom.get(name) === from) return;
    this.deps.registry.update(this.#served.get(name) ?? [], types);
    if (types.length) this.#served.set(name, types);
    else this.#served.delete(name);
    if (from) this.#servedFrom.set(name, from);
    else this.#servedFrom.delete(name);
  }

  async reconcile(name: string): Promise<void> {
    const crd = this.#crds.get(name);
    if (!crd) return this.serve(name, []);
    if (crd.metadata?.deletionTimestamp) return this.terminate(name, crd);
    const verdict = checkNames(crd, [...this.#crds.values()], this.#builtins);
    const from = JSON.stringify([verdict.accepted, crd.metadata?.uid, crd.spec]);
    if (this.#servedFrom.get(name) !== from) this.serve(name, verdict.accepted ? customResourceTypes(crd, conversionWebhook(crd, this.deps.reader)) : [], from);
    const now = rfc3339(this.deps.clock.now());
    await this.updateStatus(name, (c) => {
      setCondition(c, { ...verdict.condition, lastTransitionTime: now });
      if (verdict.accepted) {
        c.status!.acceptedNames = { ...c.spec.names, singular: c.spec.names.singular || c.spec.names.kind.toLowerCase(), listKind: c.spec.names.listKind || `${c.spec.names.kind}List` };
        setCondition(c, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now });
      } else if (crdCondition(c, 'Established')?.status !== 'True') {
        setCondition(c, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted', lastTransitionTime: now });
      }
    });
  }

  private async updateStatus(name: string, change: (crd: CustomResourceDefinition) => void): Promise<void> {
    // Decided on the CRD as last seen: a change that changes nothing is not written (the
    // write's own event comes back here and must end the loop).
    const seen = this.#crds.get(name);
    if (seen) {
      const probe = JSON.parse(JSON.stringify(seen)) as CustomResourceDefinition;
      probe.status ??= {};
      change(probe);
      if (JSON.stringify(probe.status) === JSON.stringify(seen.status ?? {})) return;
    }
    try {
      await this.engine.updateWith(this.ctx(), name, (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', `customresourcedefinitions.apiextensions.k8s.io "${name}" not found`);
        const c = cur as CustomResourceDefinition;
        c.status ??= {};
        change(c);
        return cur;
      }, 'status', false);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
  }

  /** Deletes every custom resource of a terminating CRD; drops the finalizer once none is left. */
  private async terminate(name: string, crd: CustomResourceDefinition): Promise<void> {
    const types = this.#served.get(name) ?? customResourceTypes(crd, conversionWebhook(crd, this.deps.reader));
    // While terminating, its resources stay listable and deletable, but take no new objects.
    this.serve(name, types.map((rt) => ({ ...rt, verbs: rt.verbs.filter((v) => v !== 'create') })), `terminating:${crd.metadata?.uid}`);
    const rt = this.#served.get(name)?.[0];
    if (rt) {
      const engine = this.deps.engineFor(rt);
      const page = await engine.list(this.ctx(), {});
      for (const o of page.items) {
        if (o.metadata?.deletionTimestamp) continue;
        await engine.delete(this.ctx(o.metadata?.namespace ?? ''), o.metadata!.name!, { preconditions: { uid: o.metadata?.uid } }).catch((e) => {
          if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
        });
      }
      if ((await engine.list(this.ctx(), {})).items.length > 0) {
        this.later(name, this.deps.recheckMs ?? 1000);
        return;
      }
    }
    this.serve(name, []);
    await this.engine.updateWith(this.ctx(), name, (cur: KubeObject | undefined) => {
      if (!cur) throw new StatusError(404, 'NotFound', `customresourcedefinitions.apiextensions.k8s.io "${name}" not found`);
      const m = cur.metadata!;
      m.finalizers = (m.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      return cur;
    }, undefined, false).catch((e) => {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    });
  }
}

