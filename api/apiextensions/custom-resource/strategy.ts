// The strategy of a custom resource, built from its CRD version: defaults on create and
// update, schema and CEL validation, and the status strategy. Generation bumps on any change
// outside metadata (the engine decides it from generationFields '*'; with a status
// subresource the engine keeps the stored status on main writes, so status never counts).

import type { FieldError } from '../../meta/errors.ts';
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

function bodySchema(schema: JSONSchemaProps): JSONSchemaProps {
  const root: JSONSchemaProps = { ...schema, properties: { ...schema.properties } };
  delete root.properties!.metadata;
  delete root['x-kubernetes-validations'];
  return root;
}

export function customResourceStrategy(v: CustomResourceVersion): Strategy {
  const schema = v.schema;
  const rules = hasRules(schema);
  // The schema the object's body is checked against, made once (its compiled checks are kept
  // with it): metadata is ObjectMeta's business, and the rules at the root run as CEL below.
  const root = schema && bodySchema(schema);
  const validate = (obj: KubeObject, old: KubeObject | undefined): FieldError[] => {
    if (!schema || !root) return [];
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
    },
    validate: (obj) => validate(obj, undefined),
    prepareForUpdate(obj, old) {
      defaults(obj);
    },
    generationFields: '*',
    validateUpdate: (obj, old) => validate(obj, old),
    prepareForStatusUpdate(obj) {
      defaults(obj);
    },
    validateStatusUpdate: (obj, old) => validate(obj, old),
  };
}
