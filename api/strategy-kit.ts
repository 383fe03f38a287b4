// A small builder for the strategies of simple kinds: object-meta validation by scope and
// name rule, optional defaults, status handling and generation tracking.

import type { FieldError } from './meta/errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate, type NameRule } from './meta/validation.ts';
import type { KubeObject, ResourceType, Strategy, StrategyContext } from './types.ts';

export interface SimpleStrategyOptions<T extends KubeObject> {
  namespaced: boolean;
  nameRule?: NameRule;
  defaults?(obj: T): void;
  /** Kind-specific checks beyond object meta (run on create and update). */
  validate?(obj: T): FieldError[];
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Kinds with a status subresource: status starts as this on create (the engine keeps it on update). */
  initialStatus?(obj: T): Record<string, unknown>;
  /** Track metadata.generation (the engine does): 1 on create, +1 when spec changes. */
  generation?: boolean;
  /** Top-level fields whose change bumps generation (default: spec). */
  specFields?: string[];
  prepareForCreate?(obj: T, ctx: StrategyContext): void;
  prepareForUpdate?(obj: T, old: T, ctx: StrategyContext): void;
  /** DELETE answers with the object rather than a Status. */
  returnDeletedObject?: boolean;
}

export function simpleStrategy<T extends KubeObject>(o: SimpleStrategyOptions<T>): Strategy {
  const as = (x: KubeObject) => x as T;
  const nameRule = o.nameRule ?? 'subdomain';
  const s: Strategy = {
    prepareForCreate(obj, ctx) {
      const x = as(obj);
      o.defaults?.(x);
      if (o.initialStatus) (x as KubeObject).status = o.initialStatus(x);
      o.prepareForCreate?.(x, ctx);
    },
    validate: (obj) => [...validateObjectMeta(as(obj).metadata, o.namespaced, nameRule), ...(o.validate?.(as(obj)) ?? [])],
    prepareForUpdate(obj, old, ctx) {
      const x = as(obj);
      const prev = as(old);
      o.defaults?.(x);
      o.prepareForUpdate?.(x, prev, ctx);
    },
    validateUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(as(obj).metadata, as(old).metadata),
      ...(o.validate?.(as(obj)) ?? []),
      ...(o.validateUpdate?.(as(obj), as(old)) ?? []),
    ],
  };
  if (o.returnDeletedObject) s.returnDeletedObject = true;
  if (o.generation) s.generationFields = o.specFields ?? ['spec'];
  return s;
}

type Conversion = NonNullable<ResourceType['convert']>;

/**
 * A strategy written for the storage version, serving another version: each step runs on the
 * object converted to storage form and the result is converted back (upstream runs strategies
 * on the internal version, whatever version the request used).
 */
export function throughConversion(s: Strategy, c: Conversion): Strategy {
  const put = (obj: KubeObject, stored: KubeObject) => {
    for (const k of Object.keys(obj)) delete obj[k];
    Object.assign(obj, c.fromStorage(stored));
  };
  const out: Strategy = { ...s };
  const { prepareForCreate, prepareForUpdate, prepareForStatusUpdate, validate, validateUpdate, validateStatusUpdate } = s;
  if (prepareForCreate) {
    out.prepareForCreate = (obj, ctx) => {
      const st = c.toStorage(obj);
      prepareForCreate(st, ctx);
      put(obj, st);
    };
  }
  if (prepareForUpdate) {
    out.prepareForUpdate = (obj, old, ctx) => {
      const st = c.toStorage(obj);
      prepareForUpdate(st, c.toStorage(old), ctx);
      put(obj, st);
    };
  }
  if (prepareForStatusUpdate) {
    out.prepareForStatusUpdate = (obj, old, ctx) => {
      const st = c.toStorage(obj);
      prepareForStatusUpdate(st, c.toStorage(old), ctx);
      put(obj, st);
    };
  }
  if (validate) out.validate = (obj) => validate(c.toStorage(obj));
  if (validateUpdate) out.validateUpdate = (obj, old) => validateUpdate(c.toStorage(obj), c.toStorage(old));
  if (validateStatusUpdate) out.validateStatusUpdate = (obj, old) => validateStatusUpdate(c.toStorage(obj), c.toStorage(old));
  return out;
}
