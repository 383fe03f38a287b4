// A custom resource's structural schema as the patch engines see it: list types and map
// keys for server-side apply, atomic maps, and preserve-unknown-fields nodes as plain maps.

import type { JSONSchemaProps } from '../../../api/apiextensions/schema/types.ts';
import type { ListStrategy, PatchSchema } from './schema.ts';

const cache = new WeakMap<JSONSchemaProps, PatchSchema>();

export function patchSchemaFromJsonSchema(s: JSONSchemaProps | undefined): PatchSchema | undefined {
  if (!s) return undefined;
  let p = cache.get(s);
  if (p) return p;
  const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  const strategy: ListStrategy = {};
  if (s['x-kubernetes-list-type']) strategy.listType = s['x-kubernetes-list-type'];
  if (s['x-kubernetes-list-map-keys']) strategy.listMapKeys = s['x-kubernetes-list-map-keys'];
  // Custom resources merge lists atomically unless the schema says otherwise.
  if (!strategy.listType && s.type === 'array') strategy.listType = 'atomic';
  p = {
    field: (name) => patchSchemaFromJsonSchema(s.properties?.[name] ?? ap),
    items: () => patchSchemaFromJsonSchema(items),
    listStrategy: () => strategy,
    mapType: () => (s['x-kubernetes-map-type'] === 'atomic' ? 'atomic' : s.properties ? 'struct' : 'map'),
  };
  cache.set(s, p);
  return p;
}
