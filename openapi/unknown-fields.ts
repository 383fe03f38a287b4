// Unknown-field detection for fieldValidation=Strict|Warn: every field of a body that its
// schema does not declare, as a path (.spec.containers[0].imagex). Subtrees that keep
// unknown fields (RawExtension, FieldsV1, JSON of CRD schemas) are not looked into.

import { builtinDefinitions } from './definitions.ts';
import { typeAndUnknownFields } from './type-check.ts';

/**
 * Paths of the fields of obj that definition does not know, e.g. [".spec.foo"]: found by the
 * type checker's walk (type-check.ts), which the write path runs once for both. A value of the
 * wrong type is not looked into (such a body is a 400 before fields are counted).
 */
export function unknownFields(definition: string, obj: unknown): string[] {
  if (!builtinDefinitions().definitions[definition]) return [];
  return typeAndUnknownFields(definition, obj).unknownFields;
}

/** Upstream's text for one unknown field: `unknown field "spec.foo"`. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path.replace(/^\./, '')}"`;
}

/** Upstream's 400 text for Strict: `strict decoding error: unknown field "a", unknown field "b"`. */
export function strictDecodingMessage(paths: string[]): string {
  return `strict decoding error: ${paths.map(unknownFieldMessage).join(', ')}`;
}
