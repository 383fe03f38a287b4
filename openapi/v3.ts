// OpenAPI v3: the index at /openapi/v3 (one entry per served group-version, with a hash
// in the URL so clients can cache forever) and one openapi 3.0 document per group-version
// holding its paths and the schemas they reach. Refs carrying a description or extensions
// are wrapped in allOf, as upstream's v3 documents do.

import { groupVersion, type ResourceType } from '../api/types.ts';
import { builtinDefinitions, INT_OR_STRING, QUANTITY } from './definitions.ts';
import { PATH_PARAMS, QUERY_PARAMS, type QueryParam } from './parameters.ts';
import {
  codeText,
  DELETE_OPTIONS,
  DocumentCache,
  PATCH_CONTENT_TYPES,
  pathItemsFor,
  resourcesSignature,
  rootDefinitions,
  successCodes,
  type Operation,
  type PathItem,
} from './paths.ts';
import { closure, V3_REF_PREFIX, type Definitions, type Schema } from './schema.ts';
import { KUBERNETES_VERSION, served, type ServedDocument } from './served.ts';
import { ALWAYS_DEFINED } from './v2.ts';

export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Definitions; securitySchemes: Record<string, unknown> };
}

export interface OpenAPIV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

/** A v2 schema in v3 form: refs into components, ref-with-siblings as allOf. */
export function toV3(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s) as [keyof Schema, unknown][]) {
    if (k === '$ref') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([n, p]) => [n, toV3(p)]));
    } else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) {
      out[k] = toV3(v as Schema);
    } else {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  if (s.$ref) {
    const ref = V3_REF_PREFIX + s.$ref.slice(s.$ref.lastIndexOf('/') + 1);
    if (Object.keys(out).length === 0) return { $ref: ref };
    return { ...out, allOf: [{ $ref: ref }] };
  }
  return out;
}

/** v3 schemas of the special scalar types, which v3 can describe as one of several types. */
export const V3_SPECIAL: Definitions = {
  [QUANTITY]: { oneOf: [{ type: 'string' }, { type: 'number' }] },
  [INT_OR_STRING]: { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
};

let v3Cache: Definitions | undefined;

/** Every builtin definition in v3 form. */
export function v3Definitions(): Definitions {
  if (v3Cache) return v3Cache;
  const out: Definitions = {};
  for (const [name, s] of Object.entries(builtinDefinitions().definitions)) {
    const special = V3_SPECIAL[name];
    out[name] = special ? { description: s.description, ...special } : toV3(s);
  }
  v3Cache = out;
  return out;
}

const json = (schema: Schema) => ({ 'application/json': { schema }, 'application/yaml': { schema } });

/** A query parameter in v3 form. */
function v3Query(name: QueryParam): Record<string, unknown> {
  const { type, description } = QUERY_PARAMS[name];
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function v3PathParam(it: PathItem, p: 'namespace' | 'name'): Record<string, unknown> {
  const description = p === 'name' ? `name of the ${it.gvk.kind}` : 'object name and auth scope, such as for teams and projects';
  return { name: p, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } };
}

function v3Operation(it: PathItem, op: Operation): Record<string, unknown> {
  const ref = { $ref: V3_REF_PREFIX + op.response };
  const responses: Record<string, unknown> = {};
  for (const code of successCodes(op)) responses[code] = { description: codeText(code), content: json(ref) };
  responses['401'] = { description: 'Unauthorized' };
  const operation: Record<string, unknown> = {
    tags: [it.tag],
    description: op.description,
    operationId: op.operationId,
  };
  if (op.query.length > 0) operation.parameters = op.query.map(v3Query);
  if (op.body === 'object') operation.requestBody = { content: { '*/*': { schema: ref } }, required: true };
  if (op.body === 'patch') {
    const content = Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: { type: 'object' } }]));
    operation.requestBody = { content, required: true };
  }
  if (op.body === 'deleteOptions') operation.requestBody = { content: { '*/*': { schema: { $ref: V3_REF_PREFIX + DELETE_OPTIONS } } } };
  operation.responses = responses;
  operation['x-kubernetes-action'] = op.action;
  operation['x-kubernetes-group-version-kind'] = it.gvk;
  return operation;
}

function v3Paths(items: PathItem[]): OpenAPIV3Document['paths'] {
  const paths: OpenAPIV3Document['paths'] = {};
  for (const it of items) {
    const entry: Record<string, unknown> = {
      parameters: [...it.params.map((p) => v3PathParam(it, p)), ...PATH_PARAMS.map(v3Query)],
    };
    for (const op of it.operations) entry[op.method] = v3Operation(it, op);
    paths[it.path] = entry;
  }
  return paths;
}

/** "api/v1" or "apis/apps/v1": the key of a group-version in the v3 index. */
export function v3PathKey(gv: string): string {
  return gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
}

/** The v3 definitions with those the resources carry (custom resources) added. */
function v3DefinitionsWith(resources: ResourceType[]): Definitions {
  const own = resources.filter((r) => r.schema);
  if (own.length === 0) return v3Definitions();
  const out: Definitions = { ...v3Definitions() };
  for (const r of own) for (const [n, d] of Object.entries(r.schema!.openapi.definitions)) out[n] = toV3(d as Schema);
  return out;
}

function assembleGroupVersion(resources: ResourceType[]): OpenAPIV3Document {
  const all = v3DefinitionsWith(resources);
  const items = resources.flatMap(pathItemsFor).sort((a, b) => a.path.localeCompare(b.path));
  const names = [...closure(all, [...rootDefinitions(items), ...ALWAYS_DEFINED])].sort();
  const schemas: Definitions = {};
  for (const n of names) schemas[n] = all[n];
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: v3Paths(items),
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

type Served = ServedDocument<OpenAPIV3Document>;
const gvCache = new DocumentCache<Map<string, Served>>(8);

/** All per-group-version documents for the served resources, keyed by "v1", "apps/v1"... */
function servedGroupVersions(resources: ResourceType[]): Map<string, Served> {
  return gvCache.get(resourcesSignature(resources), () => {
    const byGV = new Map<string, ResourceType[]>();
    for (const r of resources) {
      const gv = groupVersion(r);
      byGV.set(gv, [...(byGV.get(gv) ?? []), r]);
    }
    const out = new Map<string, Served>();
    for (const gv of [...byGV.keys()].sort()) out.set(gv, served(assembleGroupVersion(byGV.get(gv)!)));
    return out;
  });
}

/** The document of one group-version ("v1", "apps/v1"), or undefined if nothing of it is served. */
export function servedOpenAPIV3GroupVersion(resources: ResourceType[], gv: string): Served | undefined {
  return servedGroupVersions(resources).get(gv);
}

export function buildOpenAPIV3GroupVersion(resources: ResourceType[], gv: string): OpenAPIV3Document | undefined {
  return servedOpenAPIV3GroupVersion(resources, gv)?.document;
}

/** The /openapi/v3 index. urlPrefix is where the per-GV documents are served. */
export function buildOpenAPIV3Index(resources: ResourceType[], urlPrefix = '/openapi/v3'): OpenAPIV3Index {
  const paths: OpenAPIV3Index['paths'] = {};
  for (const [gv, doc] of servedGroupVersions(resources)) {
    const key = v3PathKey(gv);
    paths[key] = { serverRelativeURL: `${urlPrefix}/${key}?hash=${doc.hash}` };
  }
  return { paths };
}

/** Resolves an index key ("api/v1", "apis/apps/v1") back to its group-version. */
export function groupVersionOfV3Path(key: string): string | undefined {
  const m = /^(?:api\/(v[^/]+)|apis\/([^/]+\/v[^/]+))$/.exec(key);
  return m ? (m[1] ?? m[2]) : undefined;
}
