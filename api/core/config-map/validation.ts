// ConfigMap and Secret data checks: config keys, no key in both maps, total size, and the
// `immutable` flag freezing data once set.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isConfigMapKey } from '../../meta/validation.ts';

export const MAX_DATA_SIZE = 1024 * 1024;
const IMMUTABLE = 'field is immutable when `immutable` is set';

/** Keys of `data` and `binaryData`; sizes are what the values take once decoded. */
export function validateDataKeys(
  maps: Array<[string, Record<string, string> | undefined]>,
  size: (field: string, value: string) => number,
  total: { field: string; max: number },
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, string>();
  let bytes = 0;
  for (const [field, m] of maps) {
    for (const [k, v] of Object.entries(m ?? {})) {
      for (const msg of isConfigMapKey(k)) errs.push(fieldError.invalid(`${field}[${k}]`, k, msg));
      const other = seen.get(k);
      if (other) errs.push(fieldError.invalid(`${field}[${k}]`, k, `duplicate of key present in ${other}`));
      seen.set(k, field);
      bytes += size(field, typeof v === 'string' ? v : '');
    }
  }
  if (bytes > total.max) errs.push({ type: 'FieldValueTooLong', field: total.field, detail: `Too long: must have at most ${total.max} bytes` });
  return errs;
}

export function validateImmutableData(
  next: { immutable?: boolean; [k: string]: unknown },
  prev: { immutable?: boolean; [k: string]: unknown },
  fields: string[],
  same: (a: unknown, b: unknown) => boolean,
): FieldError[] {
  if (prev.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (next.immutable !== true) errs.push(fieldError.forbidden('immutable', IMMUTABLE));
  for (const f of fields) if (!same(next[f], prev[f])) errs.push(fieldError.forbidden(f, IMMUTABLE));
  return errs;
}
