// What the CSI kinds share: a CSI driver name (at most 63 characters, a DNS subdomain once
// lower-cased), as upstream's ValidateCSIDriverName.

import { fieldError, type FieldError } from '../meta/errors.ts';
import { isDNS1123Subdomain } from '../meta/validation.ts';

export function validateCSIDriverName(name: string | undefined, path: string): FieldError[] {
  if (!name) return [fieldError.required(path), ...isDNS1123Subdomain('').map((m) => fieldError.invalid(path, '', m))];
  const errs: FieldError[] = [];
  if (name.length > 63) errs.push(fieldError.tooLong(path, 63));
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(fieldError.invalid(path, name, m));
  return errs;
}

/** The same rule as a metadata.name check (CSIDriver objects are named by their driver). */
export function csiDriverNameProblems(name: string): string[] {
  return [...(name.length > 63 ? [`must be no more than 63 characters`] : []), ...isDNS1123Subdomain(name.toLowerCase())];
}

/** Parameters of a class: at most 512 non-empty keys, 256 KiB in all. */
export function validateParameters(params: Record<string, string> | undefined, path: string, required: boolean): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > 512) return [{ type: 'FieldValueTooMany', field: path, detail: `Too many: ${entries.length}: must have at most 512 items` }];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (!k) errs.push(fieldError.invalid(path, k, 'field can not be empty.'));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > 256 * 1024) errs.push(fieldError.tooLong(path, 256 * 1024));
  if (required && entries.length === 0) errs.push(fieldError.required(path, 'must contain at least one key'));
  return errs;
}
