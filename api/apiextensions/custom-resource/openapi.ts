// OpenAPI definitions of a custom resource version, named as upstream names them
// (reversed group, version, kind: com.example.stable.v1.CronTab), so that kubectl explain
// and client-side tools find the kind by its x-kubernetes-group-version-kind.

import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../custom-resource-definition/types.ts';
import type { JSONSchemaProps } from '../schema/types.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const REF = '#/definitions/';

export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** A CRD schema node as a v2 definition: `nullable` and structural-only keys dropped. */
function clean(s: JSONSchemaProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'nullable' || k === 'x-kubernetes-validations') continue;
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, JSONSchemaProps>).map(([n, p]) => [n, clean(p)]));
    else if ((k === 'items' || k === 'additionalProperties' || k === 'not') && v && typeof v === 'object' && !Array.isArray(v)) out[k] = clean(v as JSONSchemaProps);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) out[k] = (v as JSONSchemaProps[]).map(clean);
    else out[k] = v;
  }
  return out;
}

export function openapiDefinitions(crd: CustomResourceDefinition, v: CustomResourceDefinitionVersion): { name: string; definitions: Record<string, Record<string, unknown>> } {
  const { group, names } = crd.spec;
  const name = definitionName(group, v.name, names.kind);
  const listName = definitionName(group, v.name, names.listKind || `${names.kind}List`);
  const gvk = (kind: string) => [{ group, kind, version: v.name }];
  const schema = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const root = clean(schema);
  const properties = { ...((root.properties as Record<string, unknown>) ?? {}) };
  properties.apiVersion = {
    description: 'APIVersion defines the versioned schema of this representation of an object.',
    type: 'string',
  };
  properties.kind = { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' };
  properties.metadata = { description: "Standard object's metadata.", $ref: `${REF}${META}ObjectMeta` };
  const kindDef: Record<string, unknown> = { ...root, type: 'object', properties, 'x-kubernetes-group-version-kind': gvk(names.kind) };
  const listDef: Record<string, unknown> = {
    description: `${names.kind}List is a list of ${names.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: properties.apiVersion,
      items: { description: `List of ${names.plural}.`, type: 'array', items: { $ref: `${REF}${name}` } },
      kind: properties.kind,
      metadata: { description: 'Standard list metadata.', $ref: `${REF}${META}ListMeta` },
    },
    'x-kubernetes-group-version-kind': gvk(names.listKind || `${names.kind}List`),
  };
  return { name, definitions: { [name]: kindDef, [listName]: listDef } };
}
