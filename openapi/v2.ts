// The swagger 2.0 document served at /openapi/v2: paths of the served resources and the
// definitions they reach (plus the meta kinds every client expects).

import type { ResourceType } from '../api/types.ts';
import { builtinDefinitions } from './definitions.ts';
import { DocumentCache, PATCH_CONTENT_TYPES, pathItemsFor, resourcesSignature, rootDefinitions, type PathItem } from './paths.ts';
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

function v2Paths(items: PathItem[]): SwaggerDocument['paths'] {
  const paths: SwaggerDocument['paths'] = {};
  for (const it of items) {
    const entry: Record<string, unknown> = { parameters: pathParams(it) };
    for (const op of it.operations) {
      const operation: Record<string, unknown> = {
        description: op.description,
        operationId: op.operationId,
        consumes: op.method === 'patch' ? PATCH_CONTENT_TYPES : ['*/*'],
        produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
        schemes: ['https'],
        tags: [it.tag],
        responses: {
          '200': { description: 'OK', schema: { $ref: V2_REF_PREFIX + op.response } },
          '401': { description: 'Unauthorized' },
        },
        'x-kubernetes-action': op.action,
        'x-kubernetes-group-version-kind': it.gvk,
      };
      if (op.requestBody || op.method === 'patch') {
        const schema = op.requestBody ? { $ref: V2_REF_PREFIX + op.response } : { type: 'object' };
        operation.parameters = [{ name: 'body', in: 'body', required: true, schema }];
      }
      entry[op.method] = operation;
    }
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
  const { definitions: all } = builtinDefinitions();
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
