// The errors upstream answers when a patched object does not fit its type. A strategic merge
// patch result goes from a map straight into the Go struct through the unstructured
// converter ("cannot restore map from string"); a JSON or merge patch result is decoded from
// JSON ("json: cannot unmarshal ..."). Both are 422 Invalid on the field "patch", its value
// the patch (strategic) or the patched object (JSON and merge), as upstream's patch handler.

import { fieldError, invalid, type StatusError } from '../api/meta/errors.ts';
import { builtinDefinitions } from './definitions.ts';
import { resolve } from './schema.ts';
import { typeProblems, type TypeProblem } from './type-check.ts';
import { goType, locate } from './walk.ts';
import { validatorFor } from './validate.ts';

/** The Go reflect kind an unstructured value has (JSON numbers are int64 or float64). */
function unstructuredKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map';
  }
}

/** The unstructured converter's words for one misplaced value. */
export function converterMessage(definition: string, p: TypeProblem): string {
  const at = locate(definition, p.path);
  const src = unstructuredKind(p.value);
  if (!at) return `cannot convert ${src} to interface {}`;
  const s = resolve(builtinDefinitions().definitions, at.schema);
  if (s?.properties) return `cannot restore struct from: ${src}`;
  if (s?.type === 'array') return `cannot restore slice from ${src}`;
  if (s?.type === 'object') return `cannot restore map from ${src}`;
  return `cannot convert ${src} to ${goType(at.schema)}`;
}

/** A value as Go's %+v prints an unstructured one: map[a:1 b:[x y]]. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as Record<string, unknown>).sort();
    return `map[${keys.map((k) => `${k}:${goValue((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * Throws upstream's 422 when `patched` (the result of a patch of `patchType`) has a value of
 * the wrong type for `definition`; does nothing when it fits or the kind has no definition.
 */
export function checkPatchedTypes(definition: string | undefined, patchType: 'strategic' | 'json', patch: unknown, patched: unknown): void {
  if (!definition) return;
  if (patchType === 'strategic') {
    const first = typeProblems(definition, patched).find((p) => p.problem === 'type');
    if (first) throw patchInvalid(goValue(patch), converterMessage(definition, first));
    return;
  }
  const errs = validatorFor(definition)?.(patched) ?? [];
  if (errs.length) throw patchInvalid(JSON.stringify(patched), errs[0].decodeMessage);
}

function patchInvalid(value: string, detail: string): StatusError {
  return invalid('', '', '', [fieldError.invalid('patch', value, detail)]);
}
