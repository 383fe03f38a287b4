// The strategy of a custom resource, built from its CRD version: defaults on create and
// update, schema and CEL validation, generation bumps on any change outside metadata (and
// status, when the status subresource splits it off), and the status strategy.

import type { FieldError } from '../../meta/errors.ts';
import { deepEqual } from '../../meta/validation.ts';
import type { KubeObject, Strategy } from '../../types.ts';
import { hasRules, validateRules } from '../schema/cel.ts';
import { applyDefaults } from '../schema/prune.ts';
import type { JSONSchemaProps } from '../schema/types.ts';
import { validateValue } from '../schema/validate.ts';

export interface CustomResourceVersion {
  schema: JSONSchemaProps | undefined;
  hasStatus: boolean;
}

const TYPE_META = new Set(['apiVersion', 'kind', 'metadata']);

/** The object without apiVersion, kind and metadata: what the schema judges. */
function body(obj: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!TYPE_META.has(k)) out[k] = v;
  return out;
}

function changedOutsideMeta(obj: KubeObject, old: KubeObject, skipStatus: boolean): boolean {
  const keys = new Set([...Object.keys(obj), ...Object.keys(old)]);
  for (const k of keys) {
    if (TYPE_META.has(k) || (skipStatus && k === 'status')) continue;
    if (!deepEqual(obj[k], old[k])) return true;
  }
  return false;
}

export function customResourceStrategy(v: CustomResourceVersion): Strategy {
  const schema = v.schema;
  const rules = hasRules(schema);
  const validate = (obj: KubeObject, old: KubeObject | undefined): FieldError[] => {
    if (!schema) return [];
    const root: JSONSchemaProps = { ...schema, properties: { ...schema.properties } };
    delete root.properties!.metadata;
    delete root['x-kubernetes-validations'];
    const errs = validateValue(root, body(obj), '');
    // CEL runs only over values that passed the schema, as upstream.
    if (rules && errs.length === 0) validateRules(schema, obj, old, '', errs);
    return errs;
  };
  const defaults = (obj: KubeObject) => {
    if (schema) applyDefaults(schema, obj);
  };
  return {
    prepareForCreate(obj) {
      if (v.hasStatus) delete obj.status;
      defaults(obj);
      (obj.metadata ??= {}).generation = 1;
    },
    validate: (obj) => validate(obj, undefined),
    prepareForUpdate(obj, old) {
      defaults(obj);
      const m = (obj.metadata ??= {});
      const gen = old.metadata?.generation ?? 1;
      m.generation = changedOutsideMeta(obj, old, v.hasStatus) ? gen + 1 : gen;
    },
    validateUpdate: (obj, old) => validate(obj, old),
    prepareForStatusUpdate(obj) {
      defaults(obj);
    },
    validateStatusUpdate: (obj, old) => validate(obj, old),
  };
}
