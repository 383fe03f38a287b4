// Label and field selectors of list/watch requests turned into one predicate, with upstream's
// 400 errors for bad syntax and for fields a kind does not index.

import type { KubeObject, ResourceType } from '../../api/types.ts';
import { badRequest } from '../../api/meta/errors.ts';
import { SelectorParseError, parseLabelSelector } from '../../api/meta/labels.ts';
import { parseFieldSelector } from '../../api/meta/field-selector.ts';
import type { Predicate } from '../storage/objects.ts';

export function buildPredicate(
  rt: ResourceType,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
): Predicate | undefined {
  let labels: ReturnType<typeof parseLabelSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    if (labelSelector) labels = parseLabelSelector(labelSelector);
    if (fieldSelector) fields = parseFieldSelector(fieldSelector);
  } catch (e) {
    if (e instanceof SelectorParseError) throw badRequest(e.message);
    throw e;
  }
  if (labels?.empty) labels = undefined;
  if (fields?.empty) fields = undefined;
  if (fields) {
    for (const r of fields.requirements) {
      if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !rt.fieldSelectors?.[r.field]) {
        throw badRequest(`field label not supported: ${r.field}`);
      }
    }
  }
  if (!labels && !fields) return undefined;
  const getters = rt.fieldSelectors ?? {};
  const predicate: Predicate = (obj) => {
    if (labels && !labels.matches(obj.metadata?.labels)) return false;
    if (fields) {
      const get = (f: string): string | undefined => {
        if (f === 'metadata.name') return obj.metadata?.name ?? '';
        if (f === 'metadata.namespace') return obj.metadata?.namespace ?? '';
        return getters[f]?.(obj);
      };
      if (!fields.matches(get)) return false;
    }
    return true;
  };
  const equals = fields?.requirements.filter((r) => r.operator === '=');
  if (!equals?.length) return predicate;
  return Object.assign(predicate, { fieldEquals: Object.fromEntries(equals.map((r) => [r.field, r.value])) });
}
