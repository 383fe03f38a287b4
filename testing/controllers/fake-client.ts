// An in-memory Client for reconciler tests: a map of objects that assigns uids,
// resourceVersions and generated names, honours preconditions, finalizers and the status /
// finalize subresources as the apiserver does, and records every write.

import * as jsonpatch from 'fast-json-patch';
import type { KubeObject } from '../../api/types.ts';
import { parseLabelSelector } from '../../api/meta/labels.ts';
import type {
  ApiErrorShape, Client, DeleteOptions, ListOptions, ObjectList, PatchOptions, PatchType, ResourceRef, WatchEvent, WatchHandle, WatchOptions, WriteOptions,
} from '../../client/types.ts';
import { apiVersionOf } from '../../server/controllers/common/resources.ts';
import { clone } from '../../server/controllers/common/keys.ts';
import { rfc3339 } from '../../api/meta/time.ts';
import type { FakeClock } from '../fake-clock.ts';

export class FakeApiError extends Error implements ApiErrorShape {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

export interface Call {
  verb: 'create' | 'update' | 'patch' | 'delete';
  resource: string;
  namespace: string;
  name: string;
  subresource?: string;
}

type Listener = (type: 'ADDED' | 'MODIFIED' | 'DELETED', r: ResourceRef, obj: KubeObject) => void;

const storeKey = (r: ResourceRef, ns: string, name: string) => `${r.group}/${r.plural}/${r.namespaced ? ns : ''}/${name}`;

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeClient implements Client {
  readonly objects = new Map<string, { r: ResourceRef; obj: KubeObject }>();
  readonly calls: Call[] = [];
  /** Return an error to make a call fail. */
  failWith?: (call: Call) => ApiErrorShape | undefined;
  #rv = 100;
  #uid = 0;
  #gen = 0;
  #listeners: Listener[] = [];

  constructor(readonly clock: FakeClock) {}

  onChange(l: Listener): void {
    this.#listeners.push(l);
  }

  #emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', r: ResourceRef, obj: KubeObject): void {
    for (const l of this.#listeners) l(type, r, clone(obj));
  }

  #record(call: Call): void {
    this.calls.push(call);
    const err = this.failWith?.(call);
    if (err) throw new FakeApiError(err.code, err.reason, err.message);
  }

  /** Puts an object straight into the store (test setup): fills uid, rv, timestamps. */
  seed<T extends KubeObject>(r: ResourceRef, obj: T): T {
    const o = clone(obj) as KubeObject;
    const m = (o.metadata ??= {});
    m.uid ??= `uid-${++this.#uid}`;
    m.resourceVersion = String(++this.#rv);
    m.creationTimestamp ??= rfc3339(this.clock.now());
    o.apiVersion ??= apiVersionOf(r);
    o.kind ??= r.kind;
    const k = storeKey(r, m.namespace ?? '', m.name ?? '');
    const existed = this.objects.has(k);
    this.objects.set(k, { r, obj: o });
    this.#emit(existed ? 'MODIFIED' : 'ADDED', r, o);
    return clone(o) as T;
  }

  /** The stored object, or undefined. */
  peek<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, name: string): T | undefined {
    const e = this.objects.get(storeKey(r, ns, name));
    return e ? (clone(e.obj) as T) : undefined;
  }

  all<T extends KubeObject = KubeObject>(r: ResourceRef, ns?: string): T[] {
    return [...this.objects.values()]
      .filter((e) => e.r.group === r.group && e.r.plural === r.plural && (ns === undefined || e.obj.metadata?.namespace === ns))
      .map((e) => clone(e.obj) as T)
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  }

  writes(verb?: Call['verb'], resource?: string): Call[] {
    return this.calls.filter((c) => (!verb || c.verb === verb) && (!resource || c.resource === resource));
  }

  #notFound(r: ResourceRef, name: string): FakeApiError {
    return new FakeApiError(404, 'NotFound', `${r.plural}${r.group ? '.' + r.group : ''} "${name}" not found`);
  }

  async get<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, name: string): Promise<T> {
    const o = this.peek<T>(r, ns, name);
    if (!o) throw this.#notFound(r, name);
    return o;
  }

  async list<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, opts?: ListOptions): Promise<ObjectList<T>> {
    const sel = opts?.labelSelector ? parseLabelSelector(opts.labelSelector) : undefined;
    const items = this.all<T>(r, ns || undefined).filter((o) => !sel || sel.matches(o.metadata?.labels));
    return { metadata: { resourceVersion: String(this.#rv) }, items };
  }

  async create<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, obj: T | KubeObject, opts?: WriteOptions): Promise<T> {
    const o = clone(obj) as KubeObject;
    const m = (o.metadata ??= {});
    if (!m.name && m.generateName) m.name = `${m.generateName}${(++this.#gen).toString(36).padStart(5, 'x')}`;
    this.#record({ verb: 'create', resource: r.plural, namespace: ns, name: m.name ?? '', subresource: opts?.subresource });
    if (r.namespaced) m.namespace = ns;
    if (this.objects.has(storeKey(r, ns, m.name ?? ''))) {
      throw new FakeApiError(409, 'AlreadyExists', `${r.plural} "${m.name}" already exists`);
    }
    m.generation = 1;
    delete m.uid;
    delete m.creationTimestamp;
    return this.seed(r, o) as T;
  }

  async update<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, obj: T, opts?: WriteOptions): Promise<T> {
    const name = obj.metadata?.name ?? '';
    this.#record({ verb: 'update', resource: r.plural, namespace: ns, name, subresource: opts?.subresource });
    return this.#write<T>(r, ns, name, clone(obj), opts?.subresource);
  }

  #write<T extends KubeObject>(r: ResourceRef, ns: string, name: string, next: KubeObject, sub?: string): T {
    const k = storeKey(r, ns, name);
    const cur = this.objects.get(k)?.obj;
    if (!cur) throw this.#notFound(r, name);
    const rv = next.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata?.resourceVersion) {
      throw new FakeApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    let out: KubeObject;
    if (sub === 'status') {
      out = { ...clone(cur), status: next.status };
      // Deployment's status strategy lets annotations through (its revision is written so).
      if (r.plural === 'deployments') out.metadata = { ...out.metadata, annotations: next.metadata?.annotations };
    }
    else if (sub === 'finalize') {
      out = clone(cur);
      (out.spec as Record<string, unknown> | undefined) ??= {};
      (out.spec as Record<string, unknown>).finalizers = (next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    } else {
      out = next;
      if ('status' in cur && (r as { hasStatus?: boolean }).hasStatus) out.status = cur.status;
      const m = (out.metadata ??= {});
      m.uid = cur.metadata?.uid;
      m.creationTimestamp = cur.metadata?.creationTimestamp;
      m.deletionTimestamp = cur.metadata?.deletionTimestamp;
      if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
      const changed = JSON.stringify(out.spec) !== JSON.stringify(cur.spec);
      m.generation = (cur.metadata?.generation ?? 1) + (changed ? 1 : 0);
    }
    out.metadata!.resourceVersion = String(++this.#rv);
    this.objects.set(k, { r, obj: out });
    const om = out.metadata!;
    const specFin = (out.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (om.deletionTimestamp && !(om.finalizers?.length) && (r.plural !== 'namespaces' || specFin.length === 0)) {
      this.objects.delete(k);
      this.#emit('DELETED', r, out);
    } else this.#emit('MODIFIED', r, out);
    return clone(out) as T;
  }

  async patch<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, name: string, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<T> {
    this.#record({ verb: 'patch', resource: r.plural, namespace: ns, name, subresource: opts?.subresource });
    const cur = this.peek(r, ns, name);
    if (!cur) throw this.#notFound(r, name);
    let next: KubeObject;
    if (type === 'json') next = jsonpatch.applyPatch(cur, patch as jsonpatch.Operation[], true, false).newDocument;
    else next = mergePatch(cur, patch) as KubeObject;
    if (next.metadata) delete next.metadata.resourceVersion;
    return this.#write<T>(r, ns, name, next, opts?.subresource);
  }

  async delete(r: ResourceRef, ns: string, name: string, opts?: DeleteOptions): Promise<void> {
    this.#record({ verb: 'delete', resource: r.plural, namespace: ns, name });
    const k = storeKey(r, ns, name);
    const cur = this.objects.get(k)?.obj;
    if (!cur) throw this.#notFound(r, name);
    const pre = opts?.preconditions;
    if ((pre?.uid && pre.uid !== cur.metadata?.uid) || (pre?.resourceVersion && pre.resourceVersion !== cur.metadata?.resourceVersion)) {
      throw new FakeApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre?.uid}, UID in object meta: ${cur.metadata?.uid}`);
    }
    const m = cur.metadata!;
    const fin = new Set(m.finalizers ?? []);
    if (opts?.propagationPolicy === 'Foreground') fin.add('foregroundDeletion');
    if (opts?.propagationPolicy === 'Orphan') fin.add('orphan');
    const specFin = (cur.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (fin.size > 0 || (r.plural === 'namespaces' && specFin.length > 0)) {
      if (!m.deletionTimestamp) {
        m.deletionTimestamp = rfc3339(this.clock.now());
        m.finalizers = [...fin];
        if (r.plural === 'namespaces') cur.status = { ...(cur.status as object), phase: 'Terminating' };
        m.resourceVersion = String(++this.#rv);
        this.#emit('MODIFIED', r, cur);
      }
      return;
    }
    this.objects.delete(k);
    this.#emit('DELETED', r, cur);
  }

  watch<T extends KubeObject = KubeObject>(r: ResourceRef, ns: string, _opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    let live = true;
    let end: () => void = () => undefined;
    const done = new Promise<void>((res) => (end = res));
    this.onChange((type, rr, obj) => {
      if (live && rr.group === r.group && rr.plural === r.plural && (!ns || obj.metadata?.namespace === ns)) onEvent({ type, object: obj as T });
    });
    return { stop: () => ((live = false), end()), done };
  }
}
