// The swagger 2.0 document served at /openapi/v2: paths of the served resources and the
// definitions they reach (plus the meta kinds every client expects).

import type { ResourceType } from '../api/types.ts';
import { builtinDefinitions, definitionsWith } from './definitions.ts';
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
import { closure, V2_REF_PREFIX, type Definitions } from './schema.ts';
import { KUBERNETES_VERSION, served, type ServedDocument } from './served.ts';

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Definitions;
  securityDefinitions: Record<string, unknown>;
  security: Record<string, string[]>[];
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Kinds every document carries: errors, deletes, watch events and discovery. */
export const ALWAYS_DEFINED = ['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList', 'APIGroupList', 'APIGroup', 'APIVersions'].map(
  (k) => META + k,
);

function pathParams(it: PathItem): unknown[] {
  return it.params.map((p) => ({
    name: p,
    in: 'path',
    required: true,
    type: 'string',
    uniqueItems: true,
    description: p === 'name' ? `name of the ${it.gvk.kind}` : 'object name and auth scope, such as for teams and projects',
  }));
}

/** A query parameter in swagger 2.0 form. */
function v2Query(name: QueryParam): Record<string, unknown> {
  const { type, description } = QUERY_PARAMS[name];
  return { name, in: 'query', type, uniqueItems: true, description };
}

function v2Operation(it: PathItem, op: Operation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const code of successCodes(op)) responses[code] = { description: codeText(code), schema: { $ref: V2_REF_PREFIX + op.response } };
  responses['401'] = { description: 'Unauthorized' };
  const parameters: unknown[] = [];
  if (op.body === 'object') parameters.push({ name: 'body', in: 'body', required: true, schema: { $ref: V2_REF_PREFIX + op.response } });
  if (op.body === 'patch') parameters.push({ name: 'body', in: 'body', required: true, schema: { type: 'object' } });
  if (op.body === 'deleteOptions') parameters.push({ name: 'body', in: 'body', schema: { $ref: V2_REF_PREFIX + DELETE_OPTIONS } });
  parameters.push(...op.query.map(v2Query));
  const operation: Record<string, unknown> = {
    description: op.description,
    operationId: op.operationId,
    consumes: op.method === 'patch' ? PATCH_CONTENT_TYPES : ['*/*'],
    produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
    schemes: ['https'],
    tags: [it.tag],
  };
  if (parameters.length > 0) operation.parameters = parameters;
  operation.responses = responses;
  operation['x-kubernetes-action'] = op.action;
  operation['x-kubernetes-group-version-kind'] = it.gvk;
  return operation;
}

function v2Paths(items: PathItem[]): SwaggerDocument['paths'] {
  const paths: SwaggerDocument['paths'] = {};
  for (const it of items) {
    const entry: Record<string, unknown> = { parameters: [...pathParams(it), ...PATH_PARAMS.map(v2Query)] };
    for (const op of it.operations) entry[op.method] = v2Operation(it, op);
    paths[it.path] = entry;
  }
  return paths;
}

const cache = new DocumentCache<ServedDocument<SwaggerDocument>>();

/** The v2 document for the served resources, built once per distinct resource list. */
export function servedOpenAPIV2(resources: ResourceType[]): ServedDocument<SwaggerDocument> {
  return cache.get(resourcesSignature(resources), () => served(assembleV2(resources)));
}

export function buildOpenAPIV2(resources: ResourceType[]): SwaggerDocument {
  return servedOpenAPIV2(resources).document;
}

function assembleV2(resources: ResourceType[]): SwaggerDocument {
  const all = definitionsWith(resources, builtinDefinitions().definitions);
  const items = resources.flatMap(pathItemsFor).sort((a, b) => a.path.localeCompare(b.path));
  const names = [...closure(all, [...rootDefinitions(items), ...ALWAYS_DEFINED])].sort();
  const definitions: Definitions = {};
  for (const n of names) definitions[n] = all[n];
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: v2Paths(items),
    definitions,
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' },
    },
    security: [{ BearerToken: [] }],
  };
}
