// A small builder for the strategies of simple kinds: object-meta validation by scope and
// name rule, optional defaults, status handling and generation tracking.

import type { FieldError } from './meta/errors.ts';
import { semanticEqual, validateObjectMeta, validateObjectMetaUpdate, type NameRule } from './meta/validation.ts';
import type { KubeObject, Strategy, StrategyContext } from './types.ts';

export interface SimpleStrategyOptions<T extends KubeObject> {
  namespaced: boolean;
  nameRule?: NameRule;
  defaults?(obj: T): void;
  /** Kind-specific checks beyond object meta (run on create and update). */
  validate?(obj: T): FieldError[];
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Kinds with a status subresource: status starts as this on create and is kept on update. */
  initialStatus?(obj: T): Record<string, unknown>;
  /** Track metadata.generation: 1 on create, +1 when spec changes. */
  generation?: boolean;
  /** Top-level fields whose change bumps generation (default: spec). */
  specFields?: string[];
  prepareForCreate?(obj: T, ctx: StrategyContext): void;
  prepareForUpdate?(obj: T, old: T, ctx: StrategyContext): void;
}

export function simpleStrategy<T extends KubeObject>(o: SimpleStrategyOptions<T>): Strategy {
  const as = (x: KubeObject) => x as T;
  const nameRule = o.nameRule ?? 'subdomain';
  const s: Strategy = {
    prepareForCreate(obj, ctx) {
      const x = as(obj);
      o.defaults?.(x);
      if (o.initialStatus) (x as KubeObject).status = o.initialStatus(x);
      if (o.generation) {
        x.metadata ??= {};
        x.metadata.generation = 1;
      }
      o.prepareForCreate?.(x, ctx);
    },
    validate: (obj) => [...validateObjectMeta(as(obj).metadata, o.namespaced, nameRule), ...(o.validate?.(as(obj)) ?? [])],
    prepareForUpdate(obj, old, ctx) {
      const x = as(obj);
      const prev = as(old);
      o.defaults?.(x);
      if (o.initialStatus) (x as KubeObject).status = prev.status;
      if (o.generation) {
        x.metadata ??= {};
        const gen = prev.metadata?.generation ?? 1;
        const fields = o.specFields ?? ['spec'];
        x.metadata.generation = fields.every((f) => semanticEqual(x[f], prev[f])) ? gen : gen + 1;
      }
      o.prepareForUpdate?.(x, prev, ctx);
    },
    validateUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(as(obj).metadata, as(old).metadata),
      ...(o.validate?.(as(obj)) ?? []),
      ...(o.validateUpdate?.(as(obj), as(old)) ?? []),
    ],
  };
  if (o.initialStatus) {
    s.prepareForStatusUpdate = (obj, old) => {
      obj.spec = old.spec;
    };
  }
  return s;
}
