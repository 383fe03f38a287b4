// The aggregator's controllers inside the apiserver (upstream's kube-aggregator):
//   - autoregistration: a local APIService for every group version served here (local.ts);
//   - availability: each APIService's Available condition, rechecked when it, its Service or
//     the Service's EndpointSlices change, and every recheckMs (check.ts);
//   - discovery and OpenAPI of the available remote ones, kept for routes.ts and openapi.ts.
// Requests for a remote group version are proxied by handler.ts with what is kept here.

import type { Registry } from '../../../api/registry.ts';
import type { KubeObject } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Clock } from '../../../client/types.ts';
import { createWorkQueue } from '../../../client/workqueue.ts';
import type { Logger } from '../../log.ts';
import type { GenericStore } from '../registry/store.ts';
import type { RequestContext } from '../registry/types.ts';
import { checkAPIService, fetchOpenApi, type CheckResult, type Verdict } from './check.ts';
import { remoteGroups, type RemoteGroup } from './discovery.ts';
import { follow, type Follower } from './follow.ts';
import { localAPIServices, localSpecDiffers } from './local.ts';
import type { RemoteOpenApi } from './openapi.ts';
import { AUTOMANAGED_LABEL, type APIService, type ClusterReader, type ProxyIdentity } from './types.ts';

export interface AggregatorDeps {
  registry: Registry;
  engine(group: string, plural: string): GenericStore;
  reader: ClusterReader;
  identity: ProxyIdentity;
  clock: Pick<Clock, 'now'>;
  log: Logger;
  /** Discovery documents must be rebuilt (a remote group version came, went or changed). */
  onChange(): void;
  /** How often every remote APIService is checked again; upstream's resync is 30 s. */
  recheckMs?: number;
}

const OPENAPI_REFRESH_MS = 60_000;
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

interface Remote {
  result: CheckResult;
  openapiAt?: number;
  v2?: Record<string, unknown>;
  v3?: string;
}

export class Aggregator {
  readonly #all = new Map<string, APIService>();
  readonly #remote = new Map<string, Remote>();
  readonly #queue = createWorkQueue<string>({ name: 'apiservices' });
  readonly #followers: Follower[] = [];
  #openapiRevision = 0;
  #unsubscribe: (() => void) | undefined;
  #stopped = false;

  constructor(private readonly deps: AggregatorDeps) {}

  ctx(namespace = ''): RequestContext {
    return { user: { username: 'system:kube-aggregator', groups: ['system:masters'] }, namespace, now: this.deps.clock.now(), dryRun: false, fieldValidation: 'Ignore', fieldManager: 'kube-apiserver', warnings: [] };
  }

  private get apiservices(): GenericStore {
    return this.deps.engine('apiregistration.k8s.io', 'apiservices');
  }

  async start(): Promise<void> {
    const log = this.deps.log;
    this.#followers.push(await follow(() => this.apiservices, () => this.ctx(), (type, o) => {
      const name = o.metadata!.name!;
      if (type === 'DELETED') this.#all.delete(name);
      else this.#all.set(name, o as APIService);
      this.#queue.add(name);
    }, log));
    const byService = (o: KubeObject, name: string | undefined) => {
      for (const [n, s] of this.#all) if (s.spec.service && s.spec.service.namespace === o.metadata?.namespace && s.spec.service.name === name) this.#queue.add(n);
    };
    this.#followers.push(await follow(() => this.deps.engine('', 'services'), () => this.ctx(), (_t, o) => byService(o, o.metadata?.name), log));
    this.#followers.push(await follow(() => this.deps.engine('discovery.k8s.io', 'endpointslices'), () => this.ctx(), (_t, o) => byService(o, o.metadata?.labels?.[SERVICE_NAME_LABEL]), log));
    await this.syncLocal(true);
    let pending: NodeJS.Timeout | undefined;
    this.#unsubscribe = this.deps.registry.onChange(() => {
      // CRDs come in bursts; one sync after the burst.
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void this.syncLocal(false).catch((e) => log.warn('local APIService sync failed', { err: e as Error }));
      }, 50);
      pending.unref();
    });
    for (let i = 0; i < 4; i++) void this.work();
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const f of this.#followers) f.stop();
    this.#queue.shutDown();
  }

  /** The APIService serving a group version from an extension apiserver, if one does. */
  remoteFor(group: string, version: string): { service: APIService; available: boolean; result?: CheckResult } | undefined {
    const s = this.#all.get(`${version}.${group}`);
    if (!s?.spec.service) return undefined;
    const result = this.#remote.get(s.metadata!.name!)?.result;
    return { service: s, available: result?.verdict.status === 'True', result };
  }

  remoteGroups(): RemoteGroup[] {
    return remoteGroups([...this.#all.values()], (name) => {
      const r = this.#remote.get(name)?.result;
      return r?.verdict.status === 'True' ? r.resources : undefined;
    });
  }

  readonly openapi: RemoteOpenApi = {
    v2: () => {
      const m = new Map<string, { paths?: Record<string, unknown>; definitions?: Record<string, unknown> }>();
      for (const [name, r] of this.#remote) if (r.v2 && r.result.verdict.status === 'True') m.set(name, r.v2);
      return m;
    },
    v3: () => {
      const m = new Map<string, string>();
      for (const [name, r] of this.#remote) {
        const s = this.#all.get(name);
        if (s && r.v3 && r.result.verdict.status === 'True') m.set(`apis/${s.spec.group}/${s.spec.version}`, r.v3);
      }
      return m;
    },
    revision: () => this.#openapiRevision,
  };

  private async work(): Promise<void> {
    for (;;) {
      const name = await this.#queue.get();
      if (name === undefined) return;
      try {
        await this.reconcile(name);
        this.#queue.forget(name);
      } catch (e) {
        if (!this.#stopped) this.deps.log.warn('apiservice reconcile failed', { name, err: e as Error });
        this.#queue.addRateLimited(name);
      } finally {
        this.#queue.done(name);
      }
    }
  }

  private async reconcile(name: string): Promise<void> {
    const s = this.#all.get(name);
    const before = this.#remote.get(name);
    if (!s || !s.spec.service) {
      if (before) {
        this.#remote.delete(name);
        this.#openapiRevision++;
        this.deps.onChange();
      }
      if (s) await this.writeCondition(s, { status: 'True', reason: 'Local', message: 'Local APIServices are always available' });
      return;
    }
    const result = await checkAPIService(this.deps.reader, this.deps.identity, s);
    if (this.#stopped) return;
    const remote: Remote = { ...before, result };
    const now = this.deps.clock.now().getTime();
    if (result.verdict.status === 'True' && result.endpoint && (!before?.openapiAt || now - before.openapiAt > OPENAPI_REFRESH_MS || before.result.verdict.status !== 'True')) {
      const docs = await fetchOpenApi(result.endpoint, this.deps.identity, s);
      Object.assign(remote, docs, { openapiAt: now });
      this.#openapiRevision++;
    }
    this.#remote.set(name, remote);
    if (JSON.stringify([before?.result.verdict.status, before?.result.resources]) !== JSON.stringify([result.verdict.status, result.resources])) {
      this.#openapiRevision++;
      this.deps.onChange();
    }
    await this.writeCondition(s, result.verdict);
    this.#queue.addAfter(name, this.deps.recheckMs ?? 30_000);
  }

  /** Writes the Available condition when it differs from the stored one. */
  private async writeCondition(s: APIService, v: Verdict): Promise<void> {
    const cur = s.status?.conditions?.find((c) => c.type === 'Available');
    if (cur && cur.status === v.status && cur.reason === v.reason && cur.message === v.message) return;
    const name = s.metadata!.name!;
    if (cur?.status !== v.status) this.deps.log.info('APIService availability changed', { name, status: v.status, reason: v.reason, message: v.message });
    const now = rfc3339(this.deps.clock.now());
    try {
      await this.apiservices.updateWith(this.ctx(), name, (live) => {
        if (!live) throw new StatusError(404, 'NotFound', `apiservices.apiregistration.k8s.io "${name}" not found`);
        const o = live as APIService;
        const conditions = [...(o.status?.conditions ?? [])];
        const i = conditions.findIndex((c) => c.type === 'Available');
        const old = i >= 0 ? conditions[i] : undefined;
        const next = { type: 'Available', status: v.status, lastTransitionTime: old?.status === v.status ? old.lastTransitionTime : now, reason: v.reason, message: v.message };
        if (i >= 0) conditions[i] = next;
        else conditions.push(next);
        return { ...o, status: { ...o.status, conditions } };
      }, 'status', false);
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
      if (e.code === 409) this.#queue.add(name);
    }
  }

  /** Creates, corrects and removes the local APIServices to match what the registry serves. */
  private async syncLocal(atStart: boolean): Promise<void> {
    const want = localAPIServices(this.deps.registry.groupVersions());
    const names = new Set(want.map((w) => w.metadata!.name!));
    const engine = this.apiservices;
    for (const w of want) {
      const have = this.#all.get(w.metadata!.name!) ?? (await this.deps.reader.get('apiregistration.k8s.io', 'apiservices', '', w.metadata!.name!)) as APIService | undefined;
      try {
        if (!have) await engine.create(this.ctx(), w);
        else if (have.metadata?.labels?.[AUTOMANAGED_LABEL] && localSpecDiffers(have, w)) await engine.update(this.ctx(), w.metadata!.name!, { ...have, spec: w.spec });
      } catch (e) {
        if (!(e instanceof StatusError && (e.code === 409 || e.code === 404))) throw e;
      }
    }
    for (const [name, s] of this.#all) {
      const managed = s.metadata?.labels?.[AUTOMANAGED_LABEL];
      // Upstream removes 'onstart' ones only when starting, 'true' ones whenever they go.
      if (names.has(name) || s.spec.service || !(managed === 'true' || (managed === 'onstart' && atStart))) continue;
      await engine.delete(this.ctx(), name, { preconditions: { uid: s.metadata?.uid } }).catch((e) => {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
      });
    }
  }
}
