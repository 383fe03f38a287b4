// Type checks of request bodies against the builtin definitions (type-check.ts), with
// errors in upstream's words. This is what upstream's JSON decoder rejects (a string where
// an int32 belongs, an object where a list belongs): such errors are 400 BadRequest there,
// with Go's "cannot unmarshal" text. Required fields and value rules are the strategies' job (422).

import { badRequest, fieldError, type FieldError, type StatusError } from '../api/meta/errors.ts';
import { builtinDefinitions } from './definitions.ts';
import { typeAndUnknownFields, typeProblems, type TypeProblem } from './type-check.ts';
import { fieldPath, goType, jsonKind, locate } from './walk.ts';

export interface SchemaError extends FieldError {
  /** Go decoder-style text, e.g. `json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string`. */
  decodeMessage: string;
}

export type BodyValidator = (obj: unknown) => SchemaError[];

/** The type checker of a definition (io.k8s.api.core.v1.Pod); undefined if there is no such definition. */
export function validatorFor(definition: string): BodyValidator | undefined {
  if (!builtinDefinitions().definitions[definition]) return undefined;
  return (obj: unknown) => typeProblems(definition, obj).map((p) => toSchemaError(definition, p));
}

/**
 * The type errors of obj and, from the same walk, the fields it does not declare (for
 * fieldValidation; as unknown-fields.ts finds them); undefined if there is no such definition.
 */
export function checkBody(definition: string, obj: unknown): { errors: SchemaError[]; unknownFields: string[] } | undefined {
  if (!builtinDefinitions().definitions[definition]) return undefined;
  const { problems, unknownFields } = typeAndUnknownFields(definition, obj);
  return { errors: problems.map((p) => toSchemaError(definition, p)), unknownFields };
}

function toSchemaError(definition: string, p: TypeProblem): SchemaError {
  const field = fieldPath(p.path);
  const at = locate(definition, p.path);
  const goField = p.path.filter((s) => typeof s === 'string').join('.');
  const struct = at?.struct ? at.struct.slice(at.struct.lastIndexOf('.') + 1) : undefined;
  const target = at ? goType(at.schema) : 'interface {}';
  const kind = p.problem === 'type' ? jsonKind(p.value) : `number ${String(p.value)}`;
  const decodeMessage =
    struct && goField
      ? `json: cannot unmarshal ${kind} into Go struct field ${struct}.${goField} of type ${target}`
      : `json: cannot unmarshal ${kind} into Go value of type ${target}`;
  const expected = p.problem === 'range' ? `must fit in ${target}` : `must be of type ${p.expected.join(' or ')}`;
  return { ...fieldError.typeInvalid(field || '<root>', p.value, expected), decodeMessage };
}

/** The 400 upstream answers when a body does not decode: `Pod in version "v1" cannot be handled as a Pod: ...`. */
export function decodeError(kind: string, version: string, errors: SchemaError[]): StatusError {
  const why = errors[0]?.decodeMessage ?? 'the object does not match its schema';
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`);
}
