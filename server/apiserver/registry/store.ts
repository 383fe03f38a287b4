// The generic engine (upstream's registry.Store): one implementation for every kind, driven by
// the kind's ResourceType, Strategy and StoreHooks; it names no kind. It owns key layout, system
// metadata, the write pipeline in upstream's order (mutating admission -> PrepareForCreate/
// Update and defaults -> validation -> validating admission -> store hooks -> storage),
// optimistic concurrency, the status subresource, finalizers and graceful deletion, dry-run
// and managedFields. It is an engine, so it may run past 300 lines.

import type { HookContext, KubeObject, ResourceType, StoreHooks, StrategyContext, Undo } from '../../../api/types.ts';
import { groupVersion } from '../../../api/types.ts';
import {
  StatusError,
  badRequest,
  conflict,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  type FieldError,
  type GroupResource,
} from '../../../api/meta/errors.ts';
import { FIELD_IMMUTABLE, invalidGo } from '../../../api/meta/validation.ts';
import { bumpGeneration, clone, dropEmptyMeta, fillCreateMeta, keepSystemMeta, meta, type NameGenerator, type UidGenerator } from './meta.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Clock } from '../../../client/types.ts';
import { defaultTypeMeta, isBuiltinResource } from '../type-meta.ts';
import type { DeleteOptions, ListResult, RequestContext, ResourceStore, ListOptions, StoreWatchOptions, WatchEvent, WatchHandle } from './types.ts';
import type { Admission } from '../admission/chain.ts';
import { checkPreconditions } from '../../storage/object-store.ts';
import type { Attributes, Operation } from '../admission/types.ts';

/** Checks that live outside the kind's strategy: meta rules, schema, admission plugins. */
export interface EngineHooks {
  /** ObjectMeta rules for any kind (names, labels, annotations, finalizers). */
  validateMeta(rt: ResourceType, obj: KubeObject, old: KubeObject | undefined): FieldError[];
  /** Schema (types) errors and unknown field paths of a body. */
  validateSchema(rt: ResourceType, obj: KubeObject): { errors: FieldError[]; unknownFields: string[] };
  /** The admission chain: its mutating and validating phases; may throw StatusError. */
  admission: Admission;
  /** managedFields bookkeeping for an Update/Apply operation. */
  manageFields(rt: ResourceType, old: KubeObject | undefined, obj: KubeObject, ctx: RequestContext, subresource: string | undefined): void;
}

export interface EngineDeps {
  clock: Pick<Clock, 'now'>;
  names: NameGenerator;
  uids: UidGenerator;
  hooks: EngineHooks;
  /**
   * Store hooks the server gives a kind in place of its own, as upstream's REST storage providers
   * wrap a kind's store: Service addresses shared through storage, RBAC's policy-based checks.
   */
  storeHooksFor?(rt: ResourceType): StoreHooks | undefined;
}

export interface WriteResult {
  object: KubeObject;
  created: boolean;
}

export interface DeleteResult {
  object: KubeObject;
  /** false when the object stays (finalizers pending or graceful deletion). */
  deleted: boolean;
}

const NO_HOOKS: StoreHooks = {};

export class GenericStore {
  readonly gr: GroupResource;
  private readonly prefix: string;
  private readonly hooks: StoreHooks;

  constructor(
    readonly rt: ResourceType,
    readonly store: ResourceStore,
    private readonly deps: EngineDeps,
  ) {
    this.gr = { group: rt.group, resource: rt.plural };
    this.hooks = deps.storeHooksFor?.(rt) ?? rt.hooks?.() ?? NO_HOOKS;
    const g = rt.storage?.group ?? rt.group;
    const r = rt.storage?.resource ?? rt.plural;
    this.prefix = `/registry/${g ? `${g}/` : ''}${r}/`;
  }

  key(namespace: string, name: string): string {
    return this.rt.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** Prefix for a list: one namespace, or all (namespace ''). */
  listPrefix(namespace: string): string {
    return this.rt.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  private strategyCtx(ctx: RequestContext): StrategyContext {
    return { now: ctx.now, user: ctx.user };
  }

  private hookCtx(ctx: RequestContext): HookContext {
    return { now: ctx.now, dryRun: ctx.dryRun, user: ctx.user };
  }

  /** Hands the kind's store hooks every stored object once, before the server serves. */
  async init(ctx: RequestContext): Promise<void> {
    if (!this.hooks.init) return;
    this.hooks.init((await this.list(ctx, {})).items);
  }

  private attributes(op: Operation, ctx: RequestContext, name: string, obj: KubeObject | undefined, old: KubeObject | undefined, subresource?: string): Attributes {
    return {
      operation: op,
      resource: this.rt,
      subresource: subresource ?? '',
      name,
      namespace: this.rt.namespaced ? ctx.namespace || (obj ?? old)?.metadata?.namespace || '' : '',
      object: obj,
      oldObject: old,
      user: ctx.user,
      dryRun: ctx.dryRun,
      warnings: ctx.warnings,
      auditAnnotations: ctx.auditAnnotations,
    };
  }

  // ---- read ----

  async get(ctx: RequestContext, name: string, resourceVersion?: string): Promise<KubeObject> {
    const obj = await this.store.get(this.key(ctx.namespace, name), { resourceVersion });
    return this.read(obj);
  }

  async list(ctx: RequestContext, opts: ListOptions): Promise<ListResult> {
    const page = await this.store.list(this.listPrefix(ctx.namespace), opts);
    if (this.rt.convertAsync && page.items.length) {
      page.items = await this.rt.convertAsync.fromStorage(page.items);
      page.raw = undefined;
    }
    if (this.rt.convert || this.rt.convertAsync) {
      page.items = page.items.map((o) => this.fromStorage(o));
      page.raw = undefined;
    }
    return page;
  }

  async watch(ctx: RequestContext, opts: StoreWatchOptions, onEvent: (e: WatchEvent) => void, onClose: (err?: Error) => void): Promise<WatchHandle> {
    const convert = !!this.rt.convert;
    const convertAsync = this.rt.convertAsync;
    // Conversions outside the process (webhooks) keep the events' order: one after another.
    let queue = Promise.resolve();
    return this.store.watch(
      this.listPrefix(ctx.namespace),
      opts,
      (e) => {
        if (convertAsync) {
          queue = queue.then(async () => {
            if (e.type === 'BOOKMARK' || e.type === 'ERROR') return onEvent(e);
            onEvent({ type: e.type, object: await this.read(e.object) });
          }).catch((err: unknown) => onClose(err instanceof Error ? err : new Error(String(err))));
        } else if (convert && e.type !== 'BOOKMARK' && e.type !== 'ERROR') onEvent({ type: e.type, object: this.fromStorage(e.object) });
        else onEvent(e);
      },
      onClose,
    );
  }

  /**
   * The object as this version serves it. Objects from the watch cache are shared and
   * frozen: they are copied (shallowly) only when apiVersion or kind must change.
   */
  private fromStorage(obj: KubeObject): KubeObject {
    const o = this.rt.convert ? this.rt.convert.fromStorage(obj) : obj;
    const gv = groupVersion(this.rt);
    if (o.apiVersion === gv && o.kind === this.rt.kind) return o;
    return { ...o, apiVersion: gv, kind: this.rt.kind };
  }

  private toStorage(obj: KubeObject): KubeObject {
    if (!this.rt.convert) return obj;
    return this.rt.convert.toStorage(obj);
  }

  /** fromStorage after a conversion outside the process (a CRD's webhook), when the kind has one. */
  private async read(obj: KubeObject): Promise<KubeObject> {
    if (!this.rt.convertAsync) return this.fromStorage(obj);
    return this.fromStorage((await this.rt.convertAsync.fromStorage([obj]))[0]!);
  }

  /** toStorage, through a conversion outside the process when the kind has one. */
  private async write(obj: KubeObject): Promise<KubeObject> {
    if (!this.rt.convertAsync) return this.toStorage(obj);
    return this.rt.convertAsync.toStorage(obj);
  }

  // ---- create ----

  /** Checks a body's kind and apiVersion, and sets the namespace from the path. */
  checkBody(ctx: RequestContext, obj: unknown, name?: string): KubeObject {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      throw badRequest(`the body of the request was not a JSON object`);
    }
    const o = obj as KubeObject;
    defaultTypeMeta(o, this.rt, { custom: !isBuiltinResource(this.rt.group, this.rt.version, this.rt.plural) });
    if (o.metadata !== undefined && (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))) {
      throw badRequest(`metadata must be an object`);
    }
    const m = meta(o);
    if (this.rt.namespaced) {
      if (m.namespace && ctx.namespace && m.namespace !== ctx.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (ctx.namespace) m.namespace = ctx.namespace;
    } else if (m.namespace) {
      delete m.namespace;
    }
    if (name !== undefined && m.name !== undefined && m.name !== name) {
      throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
    }
    if (name !== undefined && !m.name) m.name = name;
    return o;
  }

  async create(ctx: RequestContext, body: unknown): Promise<KubeObject> {
    const obj = this.checkBody(ctx, body);
    const m = meta(obj);
    if (this.rt.namespaced && !m.namespace) {
      throw badRequest('the server could not find the requested resource: a namespace is required');
    }
    if (!m.name && m.generateName) m.name = this.deps.names.generate(m.generateName);
    await this.prepareCreate(ctx, obj);
    const key = this.key(m.namespace ?? '', m.name!);
    const undo = await this.hooks.beforeCreate?.(obj, this.hookCtx(ctx));
    if (ctx.dryRun) return this.fromStorage(obj);
    const toStore = await this.write(obj).catch((e: unknown) => {
      undo?.();
      throw e;
    });
    const stored = await this.store.create(key, toStore).catch((e: unknown) => {
      undo?.();
      throw e;
    });
    this.hooks.afterCreate?.(stored, this.hookCtx(ctx));
    return this.read(stored);
  }

  /**
   * The one create pipeline (POST, and PUT or apply that creates): mutating admission, system
   * metadata, the kind's PrepareForCreate and defaults, validation, validating admission.
   */
  private async prepareCreate(ctx: RequestContext, obj: KubeObject): Promise<void> {
    const name = meta(obj).name ?? '';
    await this.deps.hooks.admission.admit(this.attributes('CREATE', ctx, name, obj, undefined));
    fillCreateMeta(obj, ctx.now, this.deps.uids);
    dropEmptyMeta(obj);
    this.rt.strategy?.prepareForCreate?.(obj, this.strategyCtx(ctx));
    if (this.rt.strategy?.generationFields) meta(obj).generation = 1;
    this.validate(ctx, obj, undefined, this.rt.strategy?.validate?.(obj) ?? []);
    await this.deps.hooks.admission.validate(this.attributes('CREATE', ctx, name, obj, undefined));
    this.deps.hooks.manageFields(this.rt, undefined, obj, ctx, undefined);
  }

  /** Meta rules, strategy errors and schema errors: one 422 naming every field. */
  private validate(ctx: RequestContext, obj: KubeObject, old: KubeObject | undefined, strategyErrors: FieldError[]): void {
    const schema = this.deps.hooks.validateSchema(this.rt, obj);
    // As upstream's BeforeCreate/BeforeUpdate: the kind's own validation first (it checks its
    // metadata itself, with its own words); the generic ObjectMeta rules only when it passed,
    // so one bad name is reported once.
    let errs = [...schema.errors, ...strategyErrors];
    if (!errs.length) errs = this.deps.hooks.validateMeta(this.rt, obj, old);
    if (schema.unknownFields.length) {
      if (ctx.fieldValidation === 'Strict') {
        const list = schema.unknownFields.map((f) => `unknown field "${f.replace(/^\./, '')}"`);
        throw badRequest(`${this.rt.kind} in version "${this.rt.version}" cannot be handled as a ${this.rt.kind}: strict decoding error: ${list.join(', ')}`);
      }
      if (ctx.fieldValidation === 'Warn') {
        for (const f of schema.unknownFields) ctx.warnings.push(`unknown field "${f.replace(/^\./, '')}"`);
      }
    }
    if (errs.length) throw invalid(this.rt.kind, this.rt.group, meta(obj).name ?? '', errs);
  }

  // ---- update ----

  /**
   * PUT: replaces the object. A resourceVersion in the body must match the stored one (409);
   * none means unconditional. Status (for kinds with a status subresource) is kept.
   */
  async update(ctx: RequestContext, name: string, body: unknown, subresource?: string): Promise<WriteResult> {
    const obj = this.checkBody(ctx, body, name);
    // Each attempt gets its own copy: an attempt writes system metadata (resourceVersion
    // included) into the object it is given, and a retry must start from the body as sent.
    return this.updateWith(ctx, name, () => clone(obj), subresource, false);
  }

  /**
   * The shared update pipeline: `produce` makes the new object from the current one (a PUT
   * body, a patch applied to it). forceAllowCreate: server-side apply may create.
   * opts.managedFields false: a server-side write that upstream makes straight to storage,
   * outside the field manager (pods/binding): no managedFields entry for it.
   * opts.copyOnWrite: `produce` never writes into the object it is given (it copies what it
   * changes, as the patch engines do), so it gets the attempt's own decoded object rather than a
   * copy; honoured for the writes whose later steps write no nested value (see sharesCurrent).
   */
  async updateWith(
    ctx: RequestContext,
    name: string,
    produce: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    subresource: string | undefined,
    forceAllowCreate: boolean,
    opts: { managedFields?: boolean; copyOnWrite?: boolean } = {},
  ): Promise<WriteResult> {
    const key = this.key(ctx.namespace, name);
    const allowCreate = forceAllowCreate || !!this.rt.strategy?.allowCreateOnUpdate;
    // Store hooks run for writes of the resource itself, not of its subresources.
    const hooks = subresource === undefined ? this.hooks : NO_HOOKS;
    let created = false;
    let old: KubeObject | undefined;
    let undo: Undo | void = undefined;
    const step = async (stored: KubeObject | undefined): Promise<KubeObject> => {
      created = false;
      undo?.(); // a retried attempt gives back what the last one reserved
      undo = undefined;
      // `stored` was decoded for this attempt (never the shared cached object): no copy needed.
      const current = stored ? await this.read(stored) : undefined;
      old = current;
      const shared = !!current && !!opts.copyOnWrite && this.sharesCurrent(subresource);
      let next = await produce(current && !shared ? clone(current) : current);
      if (shared) {
        // The steps below set keys on the root and on metadata: never on current's own.
        if (next === current) next = { ...next };
        if (next.metadata && next.metadata === current.metadata) next.metadata = { ...next.metadata };
      }
      const m = meta(next);
      if (m.name !== undefined && m.name !== name) {
        throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
      }
      m.name = name;
      if (this.rt.namespaced) m.namespace = ctx.namespace;
      dropEmptyMeta(next);
      if (!current) {
        if (!allowCreate || subresource) throw notFound(this.gr, name);
        created = true;
        await this.prepareCreate(ctx, next);
        undo = await hooks.beforeCreate?.(next, this.hookCtx(ctx));
        return next;
      }
      const rv = m.resourceVersion;
      // "0" is no resourceVersion at all (upstream parses it as unset): an unconditional update.
      if (rv !== undefined && rv !== '' && rv !== '0' && rv !== meta(current).resourceVersion) {
        throw conflict(this.gr, name, OPTIMISTIC_LOCK_MESSAGE);
      }
      // As upstream's BeforeUpdate: a uid the request names must be the stored object's (the
      // kubelet's status patches carry one so that they never land on a pod recreated under
      // the same name); none given means the stored one.
      if (m.uid && m.uid !== meta(current).uid) {
        throw invalid(this.rt.kind, this.rt.group, name, [invalidGo('metadata.uid', m.uid, FIELD_IMMUTABLE)]);
      }
      await this.deps.hooks.admission.admit(this.attributes('UPDATE', ctx, name, next, current, subresource));
      keepSystemMeta(next, current);
      if (subresource === 'status') this.prepareStatusUpdate(ctx, next, current);
      else if (subresource === undefined) this.prepareMainUpdate(ctx, next, current);
      // Other subresources (binding) are server-side writes whose handler made its own checks.
      await this.deps.hooks.admission.validate(this.attributes('UPDATE', ctx, name, next, current, subresource));
      if (opts.managedFields !== false) this.deps.hooks.manageFields(this.rt, current, next, ctx, subresource);
      undo = await hooks.beforeUpdate?.(next, current, this.hookCtx(ctx));
      meta(next).resourceVersion = meta(current).resourceVersion;
      return next;
    };
    // Dry run: the same pipeline over one read, and no write (upstream runs the update
    // function and skips only the storage transaction).
    if (ctx.dryRun) {
      const stored = await this.store.get(key).catch((e: unknown) => {
        if (allowCreate && !subresource && e instanceof StatusError && e.code === 404) return undefined;
        throw e;
      });
      return { object: this.fromStorage(await step(stored)), created };
    }
    let result: KubeObject;
    try {
      result = await this.store.guaranteedUpdate(key, async (stored) => this.write(await step(stored)), {
        ignoreNotFound: allowCreate && !subresource,
      });
    } catch (e) {
      (undo as Undo | void)?.();
      throw e;
    }
    const object = await this.read(result);
    if (created) hooks.afterCreate?.(object, this.hookCtx(ctx));
    else hooks.afterUpdate?.(object, old!, this.hookCtx(ctx));
    // The last finalizer gone from an object that is being deleted: it goes now.
    const om = meta(object);
    if (om.deletionTimestamp && !(om.finalizers?.length) && !om.deletionGracePeriodSeconds && !this.rt.strategy?.deletionPending?.(object)) {
      const gone = await this.store.delete(key, { preconditions: { uid: om.uid } }).catch(() => undefined);
      if (gone) this.hooks.afterDelete?.(gone, this.hookCtx(ctx));
    }
    return { object, created };
  }

  private prepareMainUpdate(ctx: RequestContext, next: KubeObject, current: KubeObject): void {
    if (this.rt.hasStatus) {
      if (current.status !== undefined) next.status = clone(current.status);
      else delete next.status;
    }
    const sctx = this.strategyCtx(ctx);
    this.rt.strategy?.prepareForUpdate?.(next, current, sctx);
    bumpGeneration(next, current, this.rt.strategy?.generationFields);
    this.validate(ctx, next, current, this.rt.strategy?.validateUpdate?.(next, current) ?? []);
  }

  /**
   * Whether an update of `subresource` may leave `next` sharing nested values with `current`
   * (decoded for this attempt, read-only from there on): nothing after the producer writes into
   * them but on the root and metadata (admission, field manager and validation only read; the
   * write serializes). Not so for the main resource (strategies' prepareForUpdate edit the
   * spec) or for a status whose strategy prepares it (a custom resource's defaults).
   */
  private sharesCurrent(subresource: string | undefined): boolean {
    if (subresource === 'status') return !this.rt.strategy?.prepareForStatusUpdate;
    return subresource === 'binding';
  }

  /** Status writes keep the old spec and the old metadata but for managedFields. */
  private prepareStatusUpdate(ctx: RequestContext, next: KubeObject, current: KubeObject): void {
    const status = next.status;
    const managedFields = meta(next).managedFields;
    const annotations = this.rt.strategy?.statusUpdatesAnnotations ? meta(next).annotations : undefined;
    for (const k of Object.keys(next)) delete next[k];
    // Everything of the current object in its order but its status: the new one takes its
    // place. Shared with current when nothing writes into them (sharesCurrent), else copied;
    // metadata, which the field manager and the store set keys on, always gets its own.
    const share = this.sharesCurrent('status');
    for (const k of Object.keys(current)) {
      if (k === 'metadata') next.metadata = share ? { ...current.metadata } : clone(current.metadata);
      else if (k !== 'status') {
        if (current[k] !== undefined) next[k] = share ? current[k] : clone(current[k]);
      } else if (status !== undefined) next.status = status;
    }
    if (status !== undefined) next.status = status;
    if (managedFields !== undefined) meta(next).managedFields = managedFields;
    if (this.rt.strategy?.statusUpdatesAnnotations) {
      if (annotations && Object.keys(annotations).length) meta(next).annotations = annotations;
      else delete meta(next).annotations;
    }
    const sctx = this.strategyCtx(ctx);
    this.rt.strategy?.prepareForStatusUpdate?.(next, current, sctx);
    const errs = this.rt.strategy?.validateStatusUpdate?.(next, current) ?? [];
    if (errs.length) throw invalid(this.rt.kind, this.rt.group, meta(next).name ?? '', errs);
  }

  // ---- delete ----

  async delete(ctx: RequestContext, name: string, opts: DeleteOptions): Promise<DeleteResult> {
    const key = this.key(ctx.namespace, name);
    const current = await this.read(await this.store.get(key));
    const m = meta(current);
    checkPreconditions(this.gr, key, opts.preconditions, current);
    const attrs = this.attributes('DELETE', ctx, name, undefined, current);
    await this.deps.hooks.admission.admit(attrs);
    await this.deps.hooks.admission.validate(attrs);
    const grace = this.rt.strategy?.gracePeriod?.(current, opts.gracePeriodSeconds) ?? 0;
    const finalizers = new Set(m.finalizers ?? []);
    const policy = opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined);
    if (policy === 'Foreground') finalizers.add('foregroundDeletion');
    if (policy === 'Orphan') finalizers.add('orphan');
    if (finalizers.size === 0 && grace === 0 && !this.rt.strategy?.deletionPending?.(current)) {
      if (ctx.dryRun) return { object: current, deleted: true };
      const deleted = await this.read(await this.store.delete(key, { preconditions: { uid: m.uid, resourceVersion: opts.preconditions?.resourceVersion } }));
      this.hooks.afterDelete?.(deleted, this.hookCtx(ctx));
      return { object: deleted, deleted: true };
    }
    // Graceful or finalized: mark it, it goes when the last finalizer does / the grace ends.
    if (ctx.dryRun) return { object: current, deleted: false };
    const marked = await this.store.guaranteedUpdate(
      key,
      (stored) => {
        if (!stored) throw notFound(this.gr, name);
        const o = clone(stored);
        const om = meta(o);
        if (om.uid !== m.uid) throw notFound(this.gr, name);
        const deadline = new Date(ctx.now.getTime() + grace * 1000);
        if (!om.deletionTimestamp || (om.deletionGracePeriodSeconds ?? 0) > grace) {
          om.deletionTimestamp = rfc3339(deadline);
          om.deletionGracePeriodSeconds = grace;
        }
        if (finalizers.size) om.finalizers = [...finalizers];
        this.rt.strategy?.prepareForDeletion?.(o, this.strategyCtx(ctx));
        if (om.generation !== undefined && !meta(stored).deletionTimestamp) om.generation = (om.generation ?? 0) + 1;
        return o;
      },
      { preconditions: { uid: m.uid } },
    );
    return { object: await this.read(marked), deleted: false };
  }

  async deleteCollection(ctx: RequestContext, listOpts: ListOptions, opts: DeleteOptions): Promise<KubeObject[]> {
    const page = await this.list(ctx, { predicate: listOpts.predicate });
    const out: KubeObject[] = [];
    for (const item of page.items) {
      const m = meta(item);
      try {
        const r = await this.delete({ ...ctx, namespace: m.namespace ?? ctx.namespace }, m.name!, opts);
        out.push(r.object);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) continue;
        throw e;
      }
    }
    return out;
  }
}
