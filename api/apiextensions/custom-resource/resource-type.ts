// A CustomResourceDefinition turned into registry entries: one ResourceType per served
// version, stored under the storage version, with the strategy, table, field selectors,
// subresources and OpenAPI definitions its schema implies. The engine serves them as any kind.

import { createHash } from 'node:crypto';
import { ALL, scale, status } from '../../builtin.ts';
import { cloneJson } from '../../meta/json.ts';
import type { KubeObject, ResourceType, Subresource } from '../../types.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../custom-resource-definition/types.ts';
import { applyDefaults, hasDefaults, needsDefaults, prune } from '../schema/prune.ts';
import type { JSONSchemaProps } from '../schema/types.ts';
import { compileJsonPath } from './json-path.ts';
import { openapiDefinitions } from './openapi.ts';
import { customResourceStrategy } from './strategy.ts';
import { customResourceTable } from './table.ts';

/** Converts objects to another apiVersion outside the process (a conversion webhook). */
export type Converter = (objects: KubeObject[], desiredAPIVersion: string) => Promise<KubeObject[]>;

/** Batches only the objects not yet in `gv` through the converter, keeping their order. */
function convertTo(converter: Converter, objs: KubeObject[], gv: string): Promise<KubeObject[]> | KubeObject[] {
  const idx = objs.flatMap((o, i) => (o.apiVersion === gv ? [] : [i]));
  if (idx.length === 0) return objs;
  return converter(idx.map((i) => objs[i]!), gv).then((converted) => {
    const out = [...objs];
    idx.forEach((i, j) => (out[i] = converted[j]!));
    return out;
  });
}

export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  return crd.spec.versions.find((v) => v.storage)?.name;
}

/** The schema node at a simple dotted path (".spec.replicas"), for column descriptions. */
function schemaAt(s: JSONSchemaProps | undefined, jsonPath: string): JSONSchemaProps | undefined {
  for (const k of jsonPath.split('.').filter(Boolean)) {
    if (!s || k.includes('[')) return undefined;
    s = s.properties?.[k];
  }
  return s;
}

function fieldSelectors(v: CustomResourceDefinitionVersion): ResourceType['fieldSelectors'] {
  if (!v.selectableFields?.length) return undefined;
  const out: NonNullable<ResourceType['fieldSelectors']> = {};
  for (const f of v.selectableFields) {
    const get = compileJsonPath(f.jsonPath);
    out[f.jsonPath.replace(/^\./, '')] = (obj) => {
      const x = get(obj)[0];
      return x === undefined || x === null ? '' : String(x);
    };
  }
  return out;
}

/**
 * A copy of a stored object for defaulting to write into. metadata.managedFields, which no
 * schema default reaches and which on an applied object is as large as the rest of it, is
 * shared rather than copied (kept in its place among metadata's keys).
 */
export function copyForDefaulting(o: KubeObject): KubeObject {
  const m = o.metadata;
  if (m?.managedFields === undefined) return cloneJson(o);
  const copy = cloneJson<KubeObject>({ ...o, metadata: { ...m, managedFields: [] } });
  copy.metadata!.managedFields = m.managedFields;
  return copy;
}

export function customResourceType(crd: CustomResourceDefinition, v: CustomResourceDefinitionVersion, webhook?: Converter): ResourceType {
  const { group, names, scope } = crd.spec;
  const storageVersion = storageVersionOf(crd) ?? v.name;
  const schema = v.schema?.openAPIV3Schema;
  const preserveAll = !schema || !!crd.spec.preserveUnknownFields;
  const subresources: Subresource[] = [];
  if (v.subresources?.status) subresources.push(status(names.kind));
  if (v.subresources?.scale) subresources.push({ ...scale(), scalePaths: v.subresources.scale });
  const storageGv = `${group}/${storageVersion}`;
  const defaultsOnRead = hasDefaults(schema);
  const convert = storageVersion !== v.name || defaultsOnRead
    ? {
        toStorage: (o: KubeObject) => (o.apiVersion === storageGv ? o : { ...o, apiVersion: storageGv }),
        fromStorage: (o: KubeObject) => {
          // Objects are stored defaulted: a copy only for one that misses a default (written
          // before the default was added to the schema).
          if (!defaultsOnRead || !schema || !needsDefaults(schema, o)) return o;
          const copy = copyForDefaulting(o);
          applyDefaults(schema, copy);
          return copy;
        },
      }
    : undefined;
  const definitions = openapiDefinitions(crd, v);
  const servedGv = `${group}/${v.name}`;
  const convertAsync = webhook && storageVersion !== v.name
    ? {
        toStorage: async (o: KubeObject) => (await convertTo(webhook, [o], storageGv))[0]!,
        fromStorage: async (objs: KubeObject[]) => convertTo(webhook, objs, servedGv),
      }
    : undefined;
  return {
    group,
    version: v.name,
    kind: names.kind,
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    namespaced: scope === 'Namespaced',
    shortNames: names.shortNames?.length ? names.shortNames : undefined,
    categories: names.categories?.length ? names.categories : undefined,
    verbs: ALL,
    subresources: subresources.length ? subresources : undefined,
    storage: { group, resource: names.plural, version: storageVersion },
    convert,
    convertAsync,
    strategy: customResourceStrategy({ schema, hasStatus: !!v.subresources?.status }),
    table: customResourceTable(v.additionalPrinterColumns, (p) => schemaAt(schema, p)?.description),
    fieldSelectors: fieldSelectors(v),
    openapiName: definitions.name,
    hasStatus: !!v.subresources?.status,
    schema: {
      openAPIV3Schema: schema,
      prune: (obj) => (preserveAll || !schema ? [] : prune(schema, obj)),
      openapi: { ...definitions, hash: createHash('sha256').update(JSON.stringify(definitions.definitions)).digest('hex').slice(0, 16) },
    },
  };
}

/** Registry entries for every served version of the CRD. */
export function customResourceTypes(crd: CustomResourceDefinition, webhook?: Converter): ResourceType[] {
  return crd.spec.versions.filter((v) => v.served).map((v) => customResourceType(crd, v, webhook));
}
