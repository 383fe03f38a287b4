// Unknown-field detection for fieldValidation=Strict|Warn: every field of a body that its
// schema does not declare, as a path (.spec.containers[0].imagex). Subtrees that keep
// unknown fields (RawExtension, FieldsV1, JSON of CRD schemas) are not looked into.

import { builtinDefinitions } from './definitions.ts';
import { resolve, type Definitions, type Schema } from './schema.ts';

function walk(defs: Definitions, schema: Schema | undefined, value: unknown, path: string, out: string[]): void {
  const s = resolve(defs, schema);
  if (!s || s['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (s.type !== 'array') return;
    value.forEach((v, i) => walk(defs, s.items, v, `${path}[${i}]`, out));
    return;
  }
  const obj = value as Record<string, unknown>;
  if (s.properties) {
    for (const [k, v] of Object.entries(obj)) {
      const p = s.properties[k];
      if (p) walk(defs, p, v, `${path}.${k}`, out);
      else out.push(`${path}.${k}`);
    }
  } else if (typeof s.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(obj)) walk(defs, s.additionalProperties, v, `${path}.${k}`, out);
  }
}

/** Paths of the fields of obj that definition does not know, e.g. [".spec.foo"]. */
export function unknownFields(definition: string, obj: unknown): string[] {
  const defs = builtinDefinitions().definitions;
  if (!defs[definition]) return [];
  const out: string[] = [];
  walk(defs, defs[definition], obj, '', out);
  return out;
}

/** Upstream's text for one unknown field: `unknown field "spec.foo"`. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path.replace(/^\./, '')}"`;
}

/** Upstream's 400 text for Strict: `strict decoding error: unknown field "a", unknown field "b"`. */
export function strictDecodingMessage(paths: string[]): string {
  return `strict decoding error: ${paths.map(unknownFieldMessage).join(', ')}`;
}
