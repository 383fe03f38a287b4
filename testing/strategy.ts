// Driving a kind's strategy in unit tests: prepare an object as a create would, and read its
// validation errors as "field: detail" lines.

import type { KubeObject, Strategy } from '../api/types.ts';

const ctx = { now: new Date(0) };

/** The object after the strategy's prepareForCreate (defaults, initial status). */
export function created(s: Strategy | undefined, obj: KubeObject): KubeObject {
  s!.prepareForCreate!(obj, ctx);
  return obj;
}

export const errorsOf = (s: Strategy | undefined, obj: KubeObject): string[] => s!.validate!(obj).map((e) => `${e.field}: ${e.detail}`);

export const updateErrorsOf = (s: Strategy | undefined, obj: KubeObject, old: KubeObject): string[] =>
  s!.validateUpdate!(obj, old).map((e) => `${e.field}: ${e.detail}`);
