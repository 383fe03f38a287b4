// Checks FlowSchema and PriorityLevelConfiguration share: lists that may hold "*" alone, and
// status conditions with a unique, non-empty type.

import { fieldError, type FieldError } from '../meta/errors.ts';
import { goValue, invalidGo } from '../meta/validation.ts';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'proxy', 'update', 'watch'];

/** A required list where "*" stands alone; verbs must also be ones the API knows. */
export function validateRuleList(list: string[] | undefined, path: string, what: string, required = `${what} must contain at least one value`): FieldError[] {
  if (!list?.length) return [fieldError.required(path, required)];
  if (list.includes('*')) return list.length > 1 ? [invalidGo(path, list, `if '*' is present, must not specify other ${what}`)] : [];
  if (what === 'verbs' && !list.every((v) => VERBS.includes(v))) {
    return [{ type: 'FieldValueNotSupported', field: path, detail: `Unsupported value: ${goValue(list)}: supported values: ${VERBS.map((v) => `"${v}"`).join(', ')}` }];
  }
  return [];
}

export function validateConditions(conds: { type?: string }[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (conds ?? []).forEach((c, i) => {
    const p = `status.conditions[${i}].type`;
    if (c.type && seen.has(c.type)) errs.push(fieldError.duplicate(p, c.type));
    if (c.type) seen.add(c.type);
    if (!c.type) errs.push(fieldError.required(p, 'must not be empty'));
  });
  return errs;
}
