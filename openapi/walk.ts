// Walks the builtin definitions along an object path: which schema and which struct a
// field belongs to. Shared by the validators' messages and unknown-field detection.

import { builtinDefinitions, INT_OR_STRING, MICRO_TIME, QUANTITY, TIME } from './definitions.ts';
import { refName, resolve, shortTypeName, type Schema } from './schema.ts';

export interface Located {
  /** The schema at the path, as the parent declares it (may be a $ref). */
  schema: Schema;
  /** The definition name of the struct that declares the last field. */
  struct?: string;
}

/** Follows segments (field names, or numbers for list items / any key for map values). */
export function locate(definition: string, segments: (string | number)[]): Located | undefined {
  const defs = builtinDefinitions().definitions;
  let schema: Schema | undefined = defs[definition] ? { $ref: `#/definitions/${definition}` } : undefined;
  let struct: string | undefined;
  for (const seg of segments) {
    const here = resolve(defs, schema);
    if (!here) return undefined;
    if (here.type === 'array' && here.items && typeof seg === 'number') {
      schema = here.items;
    } else if (here.properties && typeof seg === 'string' && here.properties[seg]) {
      struct = refName(schema) ?? struct;
      schema = here.properties[seg];
    } else if (typeof here.additionalProperties === 'object') {
      schema = here.additionalProperties;
    } else {
      return undefined;
    }
  }
  return schema ? { schema, struct } : undefined;
}

const GO_NAMES: Record<string, string> = {
  [TIME]: 'v1.Time',
  [MICRO_TIME]: 'v1.MicroTime',
  [QUANTITY]: 'resource.Quantity',
  [INT_OR_STRING]: 'intstr.IntOrString',
};

/** The Go type a schema decodes into, as Go's JSON errors name it. */
export function goType(s: Schema): string {
  const name = refName(s);
  if (name) return GO_NAMES[name] ?? shortTypeName(name);
  switch (s.type) {
    case 'string':
      return s.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return s.format ?? 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${s.items ? goType(s.items) : 'interface {}'}`;
    case 'object':
      return typeof s.additionalProperties === 'object' ? `map[string]${goType(s.additionalProperties)}` : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/** The JSON kind of a value as Go's decoder names it in errors. */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'number' : `number ${v}`;
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/** spec.containers[0].name from ['spec', 'containers', 0, 'name']. */
export function fieldPath(segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}
