// Connects openapi/ to the apiserver: the served documents, schema validation of bodies,
// ObjectMeta rules per kind, and the patch schema (merge keys, list types) of each kind.

import type { KubeObject, ResourceType } from '../../api/types.ts';
import type { FieldError } from '../../api/meta/errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta/validation.ts';
import { isDNS1035Label, isDNS1123Subdomain, type NameRule } from '../../api/meta/names.ts';
import { servedOpenAPIV2 } from '../../openapi/v2.ts';
import { encodeOpenAPIV2 } from '../../openapi/proto/openapi-v2.ts';
import { buildOpenAPIV3Index, groupVersionOfV3Path, servedOpenAPIV3GroupVersion } from '../../openapi/v3.ts';
import type { OpenApiDocs } from './routes.ts';
import type { BodyType } from './negotiate.ts';
import { definitionForKind } from '../../openapi/definitions.ts';
import { checkBody, decodeError } from '../../openapi/validate.ts';
import { checkPatchedTypes } from '../../openapi/patch-errors.ts';
import { patchSchemaFor, type PatchSchema as OpenApiNode } from '../../openapi/merge-keys.ts';
import type { ListStrategy, PatchSchema } from './patch/index.ts';
import { patchSchemaFromJsonSchema } from './patch/json-schema.ts';

const PRESERVE_ALL = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } as const;

export function createOpenApiDocs(resources: () => ResourceType[]): OpenApiDocs {
  const v2Protobuf = new WeakMap<object, Buffer>();
  let index: string | undefined;
  let indexFor: ResourceType[] | undefined;
  return {
    v2: () => servedOpenAPIV2(resources()).json,
    v2Protobuf: () => {
      const doc = servedOpenAPIV2(resources());
      let bytes = v2Protobuf.get(doc);
      if (!bytes) v2Protobuf.set(doc, (bytes = Buffer.from(encodeOpenAPIV2(doc.document))));
      return bytes;
    },
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
  if (rt.group === 'rbac.authorization.k8s.io' || rt.kind === 'CertificateSigningRequest') return 'path-segment';
  if (rt.group === 'apiregistration.k8s.io') return apiServiceName;
  return 'subdomain';
}

/** An APIService is named <version>.<group> ("v1." for the core group), as upstream checks it. */
function apiServiceName(name: string, prefix: boolean): string[] {
  if (prefix) return [];
  const dot = name.indexOf('.');
  if (dot < 0) return ['couldn\'t parse into version.group'];
  const group = name.slice(dot + 1);
  return [...isDNS1035Label(name.slice(0, dot)), ...(group ? isDNS1123Subdomain(group) : [])];
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
    validateSchema(rt, obj) {
      if (rt.schema) return { errors: [], unknownFields: rt.schema.prune(obj) };
      const def = definitionFor(rt);
      if (!def) return { errors: [], unknownFields: [] };
      // Type errors are decode errors upstream: a 400, not a 422. One walk finds both.
      const checked = checkBody(def, obj);
      if (!checked) return { errors: [], unknownFields: [] };
      if (checked.errors.length) throw decodeError(rt.kind, rt.version, checked.errors);
      return { errors: [], unknownFields: checked.unknownFields };
    },
  };
}

const definitions = new WeakMap<ResourceType, string | null>();
function definitionFor(rt: ResourceType): string | undefined {
  let d = definitions.get(rt);
  if (d === undefined) {
    d = definitionForKind(rt) ?? null;
    definitions.set(rt, d);
  }
  return d ?? undefined;
}

/** Upstream's 422 for a patch whose result has a value of the wrong type (apply patches excepted). */
export function checkPatchResult(rt: ResourceType, type: BodyType, patch: unknown, patched: KubeObject): void {
  if (type === 'strategic-merge-patch') checkPatchedTypes(definitionFor(rt), 'strategic', patch, patched);
  else if (type === 'json-patch' || type === 'merge-patch') checkPatchedTypes(definitionFor(rt), 'json', patch, patched);
}

/** The patch engines' view of a kind's schema (merge keys, list types, atomic maps). */
export function patchSchemaOf(rt: ResourceType): PatchSchema | undefined {
  if (rt.schema) return patchSchemaFromJsonSchema(rt.schema.openAPIV3Schema ?? PRESERVE_ALL);
  const def = definitionFor(rt);
  return def ? adapt(patchSchemaFor(def)) : undefined;
}

const adapted = new WeakMap<OpenApiNode, PatchSchema>();

/** Wraps an openapi/ schema node once; walks over managedFields hit the same nodes often. */
function adapt(n: OpenApiNode | undefined): PatchSchema | undefined {
  if (!n) return undefined;
  let a = adapted.get(n);
  if (!a) {
    a = wrap(n);
    adapted.set(n, a);
  }
  return a;
}

/**
 * One node's answers, each worked out once: a node's fields, items, list strategy and map
 * type never change, and managedFields walks ask them for every field of every write.
 */
function wrap(n: OpenApiNode): PatchSchema {
  // Only a struct's declared fields are kept by name; any other node answers every name
  // alike (a map[string]T with T's node), so one entry: never one per key a client sent.
  const fields = new Map<string, PatchSchema | undefined>();
  const struct = n.kind === 'struct';
  let items: PatchSchema | undefined | null = null;
  let strategy: ListStrategy | undefined;
  let mapType: 'struct' | 'map' | 'atomic' | undefined;
  return {
    field: (name) => {
      const k = struct ? name : '';
      let f = fields.get(k);
      if (f === undefined && !fields.has(k)) {
        f = adapt(n.field(name));
        if (f !== undefined || !struct) fields.set(k, f);
      }
      return f;
    },
    items: () => (items === null ? (items = adapt(n.items())) : items),
    listStrategy: () => {
      if (!strategy) {
        const s = n.strategy();
        const keys = s.listMapKeys ? Object.freeze([...s.listMapKeys]) : undefined;
        strategy = Object.freeze({ patchStrategy: s.patchStrategy, patchMergeKey: s.patchMergeKey, listType: s.listType, listMapKeys: keys as string[] | undefined });
      }
      return strategy;
    },
    mapType: () => (mapType ??= n.strategy().mapType === 'atomic' ? 'atomic' : n.kind === 'struct' ? 'struct' : 'map'),
  };
}
