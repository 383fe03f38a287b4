// For scheduler and simulated-node tests: an in-memory cluster that is both a Client and an
// InformerFactory. Writes bump a resourceVersion, land in the store and reach informer handlers
// on a microtask (as a watch would deliver them). Every call is recorded; failures can be
// injected per verb and subresource.

import type { KubeObject } from '../../../api/types.ts';
import type {
  Client, DeleteOptions, EventHandler, Informer, InformerFactory, Lister, ObjectList, PatchType, ResourceRef, WatchHandle,
} from '../../../client/types.ts';

export interface RecordedCall {
  verb: 'create' | 'update' | 'patch' | 'delete';
  plural: string;
  namespace: string;
  name: string;
  subresource?: string;
  body?: unknown;
  opts?: unknown;
}

export class FakeApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

type Store = Map<string, KubeObject>;

function clone<T>(v: T): T {
  return structuredClone(v);
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function keyOf(ns: string, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

export class FakeCluster implements Client, InformerFactory {
  readonly calls: RecordedCall[] = [];
  readonly #stores = new Map<string, Store>();
  readonly #handlers = new Map<string, EventHandler[]>();
  readonly #indexes = new Map<string, Map<string, (o: KubeObject) => string[]>>();
  readonly #failures: Array<{ verb: string; subresource?: string; error: Error; times: number }> = [];
  #rv = 1;
  #uid = 0;

  /** The next `times` calls of this verb (and subresource) throw. */
  failNext(verb: RecordedCall['verb'], subresource: string | undefined, error: Error, times = 1): void {
    this.#failures.push({ verb, subresource, error, times });
  }

  store(r: ResourceRef): Store {
    let s = this.#stores.get(r.plural);
    if (!s) this.#stores.set(r.plural, (s = new Map()));
    return s;
  }

  /** Objects in a resource, for assertions. */
  objects<T extends KubeObject = KubeObject>(r: ResourceRef): T[] {
    return [...this.store(r).values()] as T[];
  }

  #maybeFail(verb: string, subresource?: string): void {
    const f = this.#failures.find((x) => x.verb === verb && x.subresource === subresource && x.times > 0);
    if (!f) return;
    f.times--;
    throw f.error;
  }

  #emit(r: ResourceRef, type: 'add' | 'update' | 'delete', obj: KubeObject, old?: KubeObject): void {
    const hs = this.#handlers.get(r.plural) ?? [];
    const o = clone(obj);
    const prev = old && clone(old);
    queueMicrotask(() => {
      for (const h of hs) {
        if (type === 'add') h.add?.(o);
        else if (type === 'update') h.update?.(prev as KubeObject, o);
        else h.delete?.(o);
      }
    });
  }

  #put(r: ResourceRef, ns: string, obj: KubeObject, old: KubeObject | undefined): KubeObject {
    const stored = clone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.#rv) };
    this.store(r).set(keyOf(ns, stored.metadata?.name ?? ''), stored);
    this.#emit(r, old ? 'update' : 'add', stored, old);
    return clone(stored);
  }

  async get<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, name: string): Promise<T> {
    const o = this.store(r).get(keyOf(ns, name));
    if (!o) throw new FakeApiError(404, 'NotFound', `${r.plural} "${name}" not found`);
    return clone(o) as T;
  }

  async list<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string): Promise<ObjectList<T>> {
    const items = [...this.store(r).values()].filter((o) => !ns || o.metadata?.namespace === ns);
    return { metadata: { resourceVersion: String(this.#rv) }, items: clone(items) as T[] };
  }

  async create<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, obj: T | KubeObject, opts: { subresource?: string; name?: string } = {}): Promise<T> {
    const name = opts.name ?? obj.metadata?.name ?? '';
    this.calls.push({ verb: 'create', plural: r.plural, namespace: ns, name, subresource: opts.subresource, body: clone(obj) });
    this.#maybeFail('create', opts.subresource);
    if (opts.subresource === 'binding') {
      const pod = this.store(r).get(keyOf(ns, name));
      if (!pod) throw new FakeApiError(404, 'NotFound', `pods "${name}" not found`);
      const spec = (pod.spec ?? {}) as Record<string, unknown>;
      if (spec.nodeName) throw new FakeApiError(409, 'Conflict', `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
      const target = (obj as { target?: { name?: string } }).target;
      this.#put(r, ns, { ...pod, spec: { ...spec, nodeName: target?.name } }, pod);
      return clone(obj) as T;
    }
    const meta = { ...obj.metadata };
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${(++this.#uid).toString(36).padStart(5, '0')}`;
    if (this.store(r).has(keyOf(ns, meta.name ?? ''))) throw new FakeApiError(409, 'AlreadyExists', `${r.plural} "${meta.name}" already exists`);
    meta.uid ??= `uid-${++this.#uid}`;
    if (r.namespaced) meta.namespace = ns;
    return this.#put(r, ns, { ...obj, metadata: meta }, undefined) as T;
  }

  async update<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, obj: T, opts: { subresource?: string } = {}): Promise<T> {
    const name = obj.metadata?.name ?? '';
    this.calls.push({ verb: 'update', plural: r.plural, namespace: ns, name, subresource: opts.subresource, body: clone(obj) });
    this.#maybeFail('update', opts.subresource);
    const old = this.store(r).get(keyOf(ns, name));
    if (!old) throw new FakeApiError(404, 'NotFound', `${r.plural} "${name}" not found`);
    const rv = obj.metadata?.resourceVersion;
    if (rv && rv !== old.metadata?.resourceVersion) throw new FakeApiError(409, 'Conflict', 'the object has been modified');
    const next = opts.subresource === 'status' ? { ...old, status: obj.status } : { ...obj, status: old.status };
    return this.#put(r, ns, next, old) as T;
  }

  async patch<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, name: string, type: PatchType, patch: unknown, opts: { subresource?: string } = {}): Promise<T> {
    this.calls.push({ verb: 'patch', plural: r.plural, namespace: ns, name, subresource: opts.subresource, body: clone(patch), opts: { type } });
    this.#maybeFail('patch', opts.subresource);
    const old = this.store(r).get(keyOf(ns, name));
    if (!old) throw new FakeApiError(404, 'NotFound', `${r.plural} "${name}" not found`);
    if (type !== 'merge' && type !== 'strategic') throw new FakeApiError(415, 'UnsupportedMediaType', `fake cluster: ${type} patch`);
    let next = mergePatch(old, patch) as KubeObject;
    if (opts.subresource === 'status') next = { ...old, status: next.status };
    return this.#put(r, ns, next, old) as T;
  }

  async delete(r: ResourceRef, ns: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    this.calls.push({ verb: 'delete', plural: r.plural, namespace: ns, name, opts: clone(opts) });
    this.#maybeFail('delete');
    const old = this.store(r).get(keyOf(ns, name));
    if (!old) throw new FakeApiError(404, 'NotFound', `${r.plural} "${name}" not found`);
    const uid = opts.preconditions?.uid;
    if (uid && uid !== old.metadata?.uid) throw new FakeApiError(409, 'Conflict', 'Precondition failed: UID in precondition');
    this.store(r).delete(keyOf(ns, name));
    this.#emit(r, 'delete', old);
  }

  watch(): WatchHandle {
    return { stop() {}, done: Promise.resolve() };
  }

  // InformerFactory

  informer<T extends KubeObject = KubeObject>(r: ResourceRef): Informer<T> {
    const store = this.store(r);
    let hs = this.#handlers.get(r.plural);
    if (!hs) this.#handlers.set(r.plural, (hs = []));
    let idx = this.#indexes.get(r.plural);
    if (!idx) this.#indexes.set(r.plural, (idx = new Map()));
    const handlers = hs;
    const indexes = idx;
    const lister: Lister<T> = {
      get: (ns, name) => store.get(keyOf(ns, name)) as T | undefined,
      list: (ns) => [...store.values()].filter((o) => !ns || o.metadata?.namespace === ns) as T[],
      byIndex: (index, value) => [...store.values()].filter((o) => indexes.get(index)?.(o).includes(value)) as T[],
    };
    return {
      addEventHandler: (h) => {
        handlers.push(h as EventHandler);
        for (const o of store.values()) queueMicrotask(() => h.add?.(clone(o) as T));
      },
      addIndex: (name, fn) => void indexes.set(name, fn as (o: KubeObject) => string[]),
      lister,
      hasSynced: () => true,
    };
  }

  start(): void {}
  async waitForSync(): Promise<void> {}
  stop(): void {}
}

/** Lets queued microtasks and immediates run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
