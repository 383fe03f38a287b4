// Builds the OpenAPI v2 definitions of every built-in type from client-node's models plus
// our overlay: upstream names, property types and formats, descriptions, required fields,
// group-version-kind of top-level kinds, and list/patch semantics.

import { classNames, definitionOfClass, type ClassName } from './names.ts';
import {
  ANY_FIELDS,
  ATOMIC_STRUCTS,
  FIELD_SEMANTICS,
  QUANTITY_FIELDS,
  RAW_EXTENSION,
  RETAIN_KEYS_FIELDS,
  STANDARD_FIELD_DOCS,
} from './overlay.ts';
import { loadModels, type Attribute } from './source.ts';
import type { ResourceSchema } from '../api/types.ts';
import { V2_REF_PREFIX, type Definitions, type GroupVersionKind, type Schema } from './schema.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const EXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
export const TIME = `${META}Time`;
export const MICRO_TIME = `${META}MicroTime`;
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

const anyJSON = (description: string): Schema => ({ description, 'x-kubernetes-preserve-unknown-fields': true });

/** Types client-node has no model class for. Our own wording. */
const SPECIAL: Definitions = {
  [TIME]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, to the second.' },
  [MICRO_TIME]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, to the microsecond.' },
  [QUANTITY]: {
    type: 'string',
    description:
      'A fixed-point amount with an optional suffix: a decimal SI suffix (k, M, G, T, P, E; m for milli), a binary one (Ki, Mi, Gi, Ti, Pi, Ei) or a decimal exponent (e3). Examples: "100m", "1.5", "512Mi", "2e6".',
  },
  [INT_OR_STRING]: {
    type: 'string',
    format: 'int-or-string',
    description: 'Holds either an integer or a string, e.g. a port number or a port name, a count or a percentage.',
  },
  [RAW_EXTENSION]: {
    type: 'object',
    description: 'An embedded object of any kind, kept as JSON.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [`${META}FieldsV1`]: {
    type: 'object',
    description: 'A set of field paths in the fields/v1 trie format used by server-side apply.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [`${EXT}JSON`]: anyJSON('Any JSON value.'),
  [`${EXT}JSONSchemaPropsOrArray`]: anyJSON('A JSON schema, or an array of JSON schemas.'),
  [`${EXT}JSONSchemaPropsOrBool`]: anyJSON('A JSON schema, or a boolean (false forbids, true allows anything).'),
  [`${EXT}JSONSchemaPropsOrStringArray`]: anyJSON('A JSON schema, or an array of property names.'),
  [`${EXT}CustomResourceSubresourceStatus`]: {
    type: 'object',
    description: 'Enables the status subresource of a custom resource. It has no fields.',
  },
  'io.k8s.api.apiserverinternal.v1alpha1.StorageVersionSpec': {
    type: 'object',
    description: 'The spec of a StorageVersion. It has no fields.',
  },
};

const ref = (name: string): Schema => ({ $ref: V2_REF_PREFIX + name });
const MAP_TYPE = /^\{ \[key: string\]: (.*); \}$/;
const ARRAY_TYPE = /^Array<(.*)>$/;

function typeSchema(def: string, a: Attribute, type: string): Schema {
  const array = ARRAY_TYPE.exec(type);
  if (array) return { type: 'array', items: typeSchema(def, a, array[1]) };
  const map = MAP_TYPE.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(def, a, map[1]) };
  switch (type) {
    case 'string':
      if (QUANTITY_FIELDS[def]?.includes(a.name)) return ref(QUANTITY);
      return a.format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
    case 'number':
      if (a.format === 'int32' || a.format === 'int64') return { type: 'integer', format: a.format };
      return a.format ? { type: 'number', format: a.format } : { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
    case 'V1MicroTime':
      return ref(a.format === 'date-time-micro' ? MICRO_TIME : TIME);
    case 'IntOrString':
      return ref(INT_OR_STRING);
    case 'any':
      return ref(ANY_FIELDS[def]?.[a.name] ?? RAW_EXTENSION);
  }
  const target = definitionOfClass(type);
  if (!target) throw new Error(`openapi: no definition for client-node type ${type} (${def}.${a.name})`);
  return ref(target);
}

function propertySchema(def: string, a: Attribute): Schema {
  const s = typeSchema(def, a, a.type);
  const description = a.description ?? (s.$ref ? STANDARD_FIELD_DOCS[a.name] : undefined);
  // Property-level keys come first so that the document reads as upstream's does.
  const out: Schema = description ? { description, ...s } : { ...s };
  const sem = FIELD_SEMANTICS[def]?.[a.name];
  if (sem && out.type === 'array') {
    if (sem.listMapKeys) out['x-kubernetes-list-map-keys'] = sem.listMapKeys;
    if (sem.listType) out['x-kubernetes-list-type'] = sem.listType;
    if (sem.patchMergeKey) out['x-kubernetes-patch-merge-key'] = sem.patchMergeKey;
    if (sem.patchStrategy) out['x-kubernetes-patch-strategy'] = sem.patchStrategy;
  }
  if (RETAIN_KEYS_FIELDS[def]?.includes(a.name)) out['x-kubernetes-patch-strategy'] = 'retainKeys';
  return out;
}

const META_KINDS = new Set(['Status', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions']);
const ALL_GV_KINDS = new Set(['DeleteOptions', 'WatchEvent']);

function isKind(cn: ClassName, attrs: Attribute[]): boolean {
  if (cn.group === 'meta') return false;
  const names = new Set(attrs.map((a) => a.name));
  return names.has('apiVersion') && names.has('kind') && names.has('metadata');
}

export interface BuiltDefinitions {
  definitions: Definitions;
  /** "group/version/Kind" (group '' for core) -> definition name. */
  kinds: Map<string, string>;
}

let cache: BuiltDefinitions | undefined;

export function gvkKey(g: { group: string; version: string; kind: string }): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

/** All definitions, built once from the pinned client-node. */
export function builtinDefinitions(): BuiltDefinitions {
  if (cache) return cache;
  const models = loadModels();
  const definitions: Definitions = {};
  const kinds = new Map<string, string>();
  const groupVersions = new Map<string, GroupVersionKind>();
  // Code-point order: localeCompare would cost tens of milliseconds on this many names.
  const names = [...classNames().values()].sort((a, b) => (a.definition < b.definition ? -1 : a.definition > b.definition ? 1 : 0));
  for (const cn of names) {
    const m = models.get(cn.className)!;
    const schema: Schema = {};
    if (m.description) schema.description = m.description;
    schema.type = 'object';
    schema.properties = {};
    for (const a of m.attributes) schema.properties[a.name] = propertySchema(cn.definition, a);
    const required = m.attributes.filter((a) => a.required).map((a) => a.name);
    if (required.length > 0) schema.required = required;
    if (ATOMIC_STRUCTS.has(cn.definition)) schema['x-kubernetes-map-type'] = 'atomic';
    if (isKind(cn, m.attributes)) {
      const gvk = { group: cn.group, kind: cn.name, version: cn.version };
      schema['x-kubernetes-group-version-kind'] = [gvk];
      kinds.set(gvkKey(gvk), cn.definition);
      groupVersions.set(`${cn.group}/${cn.version}`, gvk);
    } else if (cn.group === 'meta' && META_KINDS.has(cn.name)) {
      const gvk = { group: '', kind: cn.name, version: 'v1' };
      schema['x-kubernetes-group-version-kind'] = [gvk];
      kinds.set(gvkKey(gvk), cn.definition);
    }
    definitions[cn.definition] = schema;
  }
  // DeleteOptions and WatchEvent are registered in every group-version.
  const everyGV = [{ group: '', version: 'v1' }, ...[...groupVersions.values()]]
    .filter((gv, i, all) => all.findIndex((o) => o.group === gv.group && o.version === gv.version) === i)
    .sort((a, b) => (a.group + a.version < b.group + b.version ? -1 : 1));
  for (const kind of ALL_GV_KINDS) {
    const def = definitions[META + kind];
    if (!def) continue;
    def['x-kubernetes-group-version-kind'] = everyGV.map((gv) => ({ group: gv.group, kind, version: gv.version }));
    for (const gv of everyGV) kinds.set(gvkKey({ ...gv, kind }), META + kind);
  }
  for (const [name, s] of Object.entries(SPECIAL)) definitions[name] = s;
  cache = { definitions, kinds };
  return cache;
}

/** The definition a served kind uses: its openapiName, else by group/version/kind. */
export function definitionForKind(r: { group: string; version: string; kind: string; openapiName?: string; schema?: ResourceSchema }): string | undefined {
  if (r.schema) return r.schema.openapi.name;
  const { definitions, kinds } = builtinDefinitions();
  if (r.openapiName && definitions[r.openapiName]) return r.openapiName;
  return kinds.get(gvkKey(r));
}

/** The builtin definitions plus those the resources carry (custom resources), v2 form. */
export function definitionsWith(resources: readonly { schema?: ResourceSchema }[], builtin: Definitions): Definitions {
  const own = resources.filter((r) => r.schema);
  if (own.length === 0) return builtin;
  const out: Definitions = { ...builtin };
  for (const r of own) for (const [n, d] of Object.entries(r.schema!.openapi.definitions)) out[n] = d as Schema;
  return out;
}

/** The list definition of a resource: its own (custom resources) or the builtin one. */
export function listDefinitionForKind(r: { group: string; version: string; kind: string; schema?: ResourceSchema }): string | undefined {
  if (r.schema) return Object.keys(r.schema.openapi.definitions).find((n) => n !== r.schema!.openapi.name);
  return definitionForKind({ group: r.group, version: r.version, kind: `${r.kind}List` });
}
